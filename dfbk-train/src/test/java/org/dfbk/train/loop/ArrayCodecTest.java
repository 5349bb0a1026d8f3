package org.dfbk.train.loop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.dfbk.core.error.DataException;
import org.junit.jupiter.api.Test;

class ArrayCodecTest {

  /** Views and copies of several types and shapes, one with no name, one of size zero. */
  private static NDList sample(NDManager m) {
    NDArray flat = m.arange(0f, 70f, 1f, DataType.FLOAT32).div(7f);
    NDArray a = flat.get("0:24").reshape(2, 3, 4); // a view into the flat vector
    a.setName("conv.weight");
    NDArray b = flat.get("24:70").reshape(46);
    b.setName("m:conv.bias");
    NDArray c = m.create(new int[] {1, -2, 3}); // int32, no name
    NDArray d = m.create(new float[] {1.5f, -2.25f}).toType(DataType.FLOAT16, false);
    d.setName("half");
    NDArray e = m.zeros(new Shape(0, 3));
    e.setName("empty");
    NDArray s = m.create(42.0f); // 0-dim
    s.setName("scalar");
    return new NDList(a, b, c, d, e, s);
  }

  @Test
  void writesExactlyTheBytesOfDjlsOwnEncoder() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList arrays = sample(m);
      ByteArrayOutputStream ours = new ByteArrayOutputStream();
      ArrayCodec.encode(arrays, ours);
      // the same format byte for byte: headers and raw little-endian data, no arithmetic
      assertArrayEquals(arrays.encode(), ours.toByteArray());
    }
  }

  @Test
  void roundTripsThroughTheCheckedDecoder() throws Exception {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList arrays = sample(m);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ArrayCodec.encode(arrays, out);
      byte[] bytes = out.toByteArray();
      List<String> names = List.of("a", "b", "c", "d", "e", "s");
      List<long[]> shapes = arrays.stream().map(x -> x.getShape().getShape()).toList();
      NDList back = ArrayCodec.decodeChecked(Path.of("x.zip"), "model", new ByteArrayInputStream(
          bytes), bytes.length, names, shapes, m);
      assertEquals(arrays.size(), back.size());
      for (int i = 0; i < arrays.size(); i++) {
        assertEquals(arrays.get(i).getDataType(), back.get(i).getDataType());
        assertEquals(arrays.get(i).getShape(), back.get(i).getShape());
        assertEquals(arrays.get(i).getName(), back.get(i).getName());
        assertArrayEquals(arrays.get(i).toByteArray(), back.get(i).toByteArray(), "array " + i);
      }
      // a reader that expects another shape refuses before allocating
      List<long[]> wrong = new java.util.ArrayList<>(shapes);
      wrong.set(0, new long[] {2, 3, 5});
      DataException e = assertThrows(DataException.class, () -> ArrayCodec.decodeChecked(
          Path.of("x.zip"), "model", new ByteArrayInputStream(bytes), bytes.length, names, wrong,
          m));
      assertEquals(true, e.getMessage().contains("[2, 3, 5]"), e.getMessage());
    }
  }
}
