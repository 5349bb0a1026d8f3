package org.dfbk.train.loop;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.DataException;

/**
 * Reads and writes a checkpoint entry's arrays in DJL's NDList format (version 3, dense), the
 * format of {@link NDList#encode} and {@link NDList#decode}, without holding an array's bytes on
 * the Java heap.
 *
 * <p>DJL's own encoder copies every array into a Java byte array first, so writing a checkpoint
 * of S bytes produced S bytes of garbage that the heap grew to hold before it was collected
 * (about 1 GB for the paper's 192-px network). Here the bytes go from the array's native memory
 * to the stream through one reused 1 MiB buffer; the reader checks each header against the
 * expected shape before it allocates.
 */
final class ArrayCodec {
  private static final int CHUNK = 1 << 20;

  private ArrayCodec() {}

  /**
   * Writes {@code arrays} as {@link NDList#encode} does: the count, then per array "NDAR",
   * version 3, its name, "DENSE", the data type, the shape, the byte order and the data.
   *
   * @throws IllegalArgumentException for string or sparse arrays (checkpoints hold neither)
   */
  static void encode(NDList arrays, OutputStream out) throws IOException {
    DataOutputStream dos = new DataOutputStream(out);
    dos.writeInt(arrays.size());
    byte[] chunk = null;
    for (NDArray array : arrays) {
      if (array.getDataType() == DataType.STRING
          || array.getSparseFormat() != ai.djl.ndarray.types.SparseFormat.DENSE) {
        throw new IllegalArgumentException("array '" + array.getName() + "' is "
            + array.getDataType() + "/" + array.getSparseFormat() + "; checkpoints hold dense"
            + " numeric arrays only");
      }
      dos.writeUTF("NDAR");
      dos.writeInt(3);
      String name = array.getName();
      if (name == null) {
        dos.write(0);
      } else {
        dos.write(1);
        dos.writeUTF(name);
      }
      dos.writeUTF("DENSE");
      dos.writeUTF(array.getDataType().name());
      dos.write(array.getShape().getEncoded());
      NDArray host = array.getDevice().equals(Device.cpu()) ? array
          : array.toDevice(Device.cpu(), false);
      try {
        // a direct view of the tensor's memory (a contiguous copy first if it is not)
        ByteBuffer data = host.toByteBuffer(true);
        dos.write(data.order() == ByteOrder.BIG_ENDIAN ? '>' : '<');
        int length = data.remaining();
        long expected = array.getShape().size() * array.getDataType().getNumOfBytes();
        if (length != expected) {
          throw new IllegalStateException("array '" + name + "' of shape " + array.getShape()
              + " gave " + length + " bytes, expected " + expected);
        }
        dos.writeInt(length);
        if (chunk == null && length > 0) {
          chunk = new byte[CHUNK];
        }
        while (data.hasRemaining()) {
          int n = Math.min(chunk.length, data.remaining());
          data.get(chunk, 0, n);
          dos.write(chunk, 0, n);
        }
      } finally {
        if (host != array) {
          host.close();
        }
      }
    }
    dos.flush();
  }

  /**
   * Decodes an entry written by {@link #encode} or {@link NDList#encode} (DJL's NDArray format,
   * versions 1 to 3, dense arrays): each array's header (dimensions, data type, declared byte
   * count) is read and compared with the expected shape, its byte count and what the entry still
   * holds before its buffer is allocated. DJL's own decoder allocates from the declared sizes
   * first.
   */
  static NDList decodeChecked(Path file, String entry, InputStream raw, long entrySize,
      List<String> names, List<long[]> shapes, NDManager manager) throws IOException {
    CountingInput counted = new CountingInput(raw);
    DataInputStream in = new DataInputStream(counted);
    int count = in.readInt();
    if (count != shapes.size()) {
      throw new DataException(file + ": entry '" + entry + "' holds " + count + " arrays,"
          + " expected " + shapes.size() + " (one per parameter in state.json)");
    }
    NDList list = new NDList(count);
    for (int i = 0; i < count; i++) {
      String where = file + ": entry '" + entry + "', array " + i + " ('" + names.get(i) + "')";
      if (!"NDAR".equals(in.readUTF())) {
        throw new DataException(where + " does not start with NDAR; the entry is damaged");
      }
      int version = in.readInt();
      if (version < 1 || version > 3) {
        throw new DataException(where + " has format version " + version + ", expected 1..3");
      }
      String arrayName = null;
      if (version > 1 && in.readByte() == 1) {
        arrayName = in.readUTF();
      }
      String sparse = in.readUTF();
      if (!"DENSE".equals(sparse)) {
        throw new DataException(where + " is stored as " + sparse + ", expected DENSE");
      }
      String typeName = in.readUTF();
      DataType type;
      try {
        type = DataType.valueOf(typeName);
      } catch (IllegalArgumentException ex) {
        type = DataType.UNKNOWN;
      }
      if (type.getNumOfBytes() <= 0 || type == DataType.STRING) {
        throw new DataException(where + " has data type '" + typeName + "', expected a numeric"
            + " type such as FLOAT32");
      }
      int ndim = in.readInt();
      if (ndim < 0 || ndim > Checkpoints.MAX_ARRAY_DIMS) {
        throw new DataException(where + " declares " + ndim + " dimensions, expected 0.."
            + Checkpoints.MAX_ARRAY_DIMS);
      }
      long[] dims = new long[ndim];
      for (int d = 0; d < ndim; d++) {
        dims[d] = in.readLong();
      }
      int layoutLength = in.readInt();
      if (layoutLength < 0 || layoutLength > ndim) {
        throw new DataException(where + " declares a layout of " + layoutLength + " letters for "
            + ndim + " dimensions");
      }
      for (int d = 0; d < layoutLength; d++) {
        in.readChar();
      }
      if (!java.util.Arrays.equals(dims, shapes.get(i))) {
        throw new DataException(where + " has shape " + java.util.Arrays.toString(dims)
            + ", state.json records " + java.util.Arrays.toString(shapes.get(i)) + "; the"
            + " checkpoint is damaged or its entries come from different runs");
      }
      java.nio.ByteOrder order = version > 2
          ? (in.readByte() == '>' ? ByteOrder.BIG_ENDIAN
              : ByteOrder.LITTLE_ENDIAN)
          : ByteOrder.nativeOrder();
      int length = in.readInt();
      long needed = new Shape(dims).size() * type.getNumOfBytes();
      if (length != needed) {
        throw new DataException(where + " declares " + length + " data bytes, its shape "
            + java.util.Arrays.toString(dims) + " of " + type + " needs " + needed);
      }
      if (entrySize >= 0 && length > entrySize - counted.count) {
        throw new DataException(where + " declares " + length + " data bytes, but the entry"
            + " has only " + Math.max(0, entrySize - counted.count) + " left; the checkpoint is"
            + " truncated or damaged");
      }
      ByteBuffer data = manager.allocateDirect(length).order(order);
      byte[] chunk = new byte[Math.min(length, 1 << 20)];
      while (data.hasRemaining()) {
        int n = Math.min(chunk.length, data.remaining());
        in.readFully(chunk, 0, n);
        data.put(chunk, 0, n);
      }
      data.rewind();
      NDArray array = manager.create(data, new Shape(dims), type);
      array.setName(arrayName);
      list.add(array);
    }
    return list;
  }

  /** An input stream that counts the bytes read through it. */
  private static final class CountingInput extends java.io.FilterInputStream {
    long count;

    CountingInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

}
