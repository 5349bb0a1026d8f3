package org.dfbk.data.nifti;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.dfbk.core.error.DataException;
import org.dfbk.core.io.AtomicFiles;
import org.dfbk.data.volume.Volume;

/**
 * Reads NIfTI-1 and NIfTI-2 images ({@code .nii}, {@code .nii.gz}, {@code .hdr/.img} pairs and
 * their gzipped forms, either byte order) and writes NIfTI-1 ({@code .nii}, {@code .nii.gz}).
 *
 * <p>Gzip is recognised by content (the 1f 8b signature), not by the file name. Compressed data
 * is inflated in one pass with a 64 KiB input buffer into the voxel byte array, which starts at
 * 1 MiB and doubles as data arrives (up to the size the header declares), and decoded with bulk
 * {@link ByteBuffer} views.
 *
 * <p>Untrusted numbers: every header number is range-checked before it is narrowed or used to
 * size a buffer (see {@link NiftiHeader} and {@link #read}); the declared data size is compared
 * with the file's length (or, for gzip, with the most its compressed length can inflate to)
 * before any buffer is allocated. An out-of-range value is a {@link DataException} naming the
 * file, the field and the value.
 *
 * <p>Writing: see {@link #write(Path, Volume, NiftiHeader, NiftiDataType)}. Header bytes are
 * parsed and encoded by {@link NiftiHeaderCodec}.
 *
 * <p>Longer than the ~400 lines a class here aims for because each check of an untrusted number
 * sits beside the read it guards (file location, header, scaling, geometry, data offset, gzip
 * bounds), and the writer shares the file helpers (gzip detection, .hdr/.img siblings).
 */
public final class NiftiIO {
  private static final int GZIP_BUFFER = 1 << 16;
  private static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16;
  /** zlib's bound on deflate: at most 1032 output bytes per input byte. */
  private static final long MAX_DEFLATE_RATIO = 1032;
  /** First buffer for gzipped voxels; it doubles as data arrives, up to the declared size. */
  private static final int GZIP_FIRST_CHUNK = 1 << 20;
  /** nibabel's quaternion_threshold: -3 eps of the header's float type (w^2 below it is bad). */
  private static final double QUATERNION_THRESHOLD_1 = -3 * Math.ulp(1.0f);
  private static final double QUATERNION_THRESHOLD_2 = -3 * Math.ulp(1.0);

  private NiftiIO() {}

  // ================================================================ reading

  /**
   * Reads a NIfTI image: header and all voxel bytes.
   *
   * @param file a .nii, .nii.gz, .hdr(.gz) or .img(.gz) file
   * @throws DataException for a missing, empty or non-regular file, a truncated or corrupt
   *     gzip stream, a wrong sizeof_hdr or magic, an unsupported datatype, a data block shorter
   *     than the header's dims need, a missing .img for a .hdr, an invalid scl_inter, a bitpix
   *     that disagrees with the datatype, a non-finite used pixdim, a qform quaternion with
   *     b^2 + c^2 + d^2 > 1, a NIfTI-2 scaling or transform value beyond float32, a vox_offset
   *     beyond the file, or more than 2 GiB of voxels
   */
  public static NiftiImage read(Path file) {
    Located loc = locate(file, true);
    NiftiHeader h = readHeaderFrom(loc.header, file);
    NiftiDataType type = h.dataType();
    checkBitpix(h, type);
    checkScaling(h);
    checkAffine(h);
    checkGeometry(h);
    Path dataFile = h.isSingleFile() ? loc.header : dataFileOf(loc, file);
    long offset = dataOffset(h);
    long voxels = h.voxelCount();
    if (voxels > MAX_DATA_BYTES / type.bytes()) {
      BigInteger bytes = BigInteger.valueOf(voxels).multiply(BigInteger.valueOf(type.bytes()));
      boolean gz = dataFile.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
      long onDisk = gz ? -1 : sizeOrMinusOne(dataFile); // a gzip's size says little
      String fix = h.volumeCount() > 1
          ? "split the 4-D series into 3-D files (e.g. fslsplit) first"
          : onDisk >= 0 && BigInteger.valueOf(onDisk).shiftLeft(4).compareTo(bytes) < 0
          ? "the file has only " + onDisk + " bytes, so its header dims are probably corrupt;"
              + " re-export the image"
          : "crop or resample the volume to a smaller grid first";
      throw new DataException(file + " holds " + bytes + " bytes of voxels (dims "
          + Arrays.toString(h.dims()) + ", " + type.numpyName() + "), more than dfbk reads into"
          + " memory (2 GiB). Fix: " + fix);
    }
    int bytes = (int) (voxels * type.bytes());
    ByteBuffer data = readRegion(dataFile, offset, bytes, h, type);
    return new NiftiImage(h, file, dataFile, data.order(h.byteOrder()));
  }

  /** Size of {@code f} in bytes, or −1 when it cannot be read (the message then omits it). */
  private static long sizeOrMinusOne(Path f) {
    try {
      return Files.size(f);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * Reads only the header (for a .hdr the .img need not exist; for an .img the .hdr is read).
   * Unsupported datatypes are not rejected here: {@link NiftiHeader#dataType()} throws.
   */
  public static NiftiHeader readHeader(Path file) {
    Located loc = locate(file, false);
    return readHeaderFrom(loc.header, file);
  }

  private record Located(Path header, Path image) {}

  /** Finds the header file for {@code file} (the .hdr of an .img) and checks it is readable. */
  private static Located locate(Path file, boolean forData) {
    checkRegularFile(file, "NIfTI file");
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".img") || lower.endsWith(".img.gz")) {
      Path hdr = sibling(file, ".img", ".hdr");
      if (hdr == null) {
        throw new DataException("missing header for " + file + ": an .img file needs its .hdr ("
            + swapSuffix(name, ".img", ".hdr") + ") in the same folder. Fix: put the .hdr beside"
            + " the .img, or pass a .nii/.nii.gz file");
      }
      return new Located(hdr, file);
    }
    return new Located(file, null);
  }

  private static Path dataFileOf(Located loc, Path requested) {
    if (loc.image != null) {
      return loc.image;
    }
    Path img = sibling(loc.header, ".hdr", ".img");
    if (img == null) {
      String name = loc.header.getFileName().toString();
      throw new DataException("missing image file for " + requested + ": its header has magic"
          + " \"ni1\"/\"ni2\" (a .hdr/.img pair), but " + swapSuffix(name, ".hdr", ".img")
          + " (or .img.gz) is not in " + loc.header.toAbsolutePath().getParent() + ". Fix: put"
          + " the .img beside the .hdr, or convert the pair to a single .nii.gz");
    }
    checkRegularFile(img, "NIfTI image (.img) file");
    return img;
  }

  /** The existing sibling with suffix {@code to} (plain or .gz, either case), or null. */
  private static Path sibling(Path file, String from, String to) {
    String name = file.getFileName().toString();
    String base = swapSuffix(name, from, "");
    Path dir = file.toAbsolutePath().getParent();
    for (String candidate : new String[] {base + to, base + to + ".gz",
        base + to.toUpperCase(Locale.ROOT), base + to.toUpperCase(Locale.ROOT) + ".gz"}) {
      Path p = dir.resolve(candidate);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static String swapSuffix(String name, String from, String to) {
    String lower = name.toLowerCase(Locale.ROOT);
    String stem = name;
    if (lower.endsWith(from + ".gz")) {
      stem = name.substring(0, name.length() - from.length() - 3);
    } else if (lower.endsWith(from)) {
      stem = name.substring(0, name.length() - from.length());
    }
    return stem + to;
  }

  private static void checkRegularFile(Path file, String what) {
    if (!Files.exists(file)) {
      throw new DataException(what + " " + file + " does not exist. Fix: check the path"
          + " (relative paths resolve against " + Path.of("").toAbsolutePath() + ")");
    }
    if (!Files.isRegularFile(file)) {
      throw new DataException(what + " " + file + " is not a regular file (a directory?)."
          + " Fix: pass the path of a .nii, .nii.gz or .hdr file");
    }
    if (!Files.isReadable(file)) {
      throw new DataException(what + " " + file + " is not readable. Fix: check its"
          + " permissions");
    }
    try {
      if (Files.size(file) == 0) {
        throw new DataException(what + " " + file + " is empty (0 bytes). Fix: the file was not"
            + " written completely; re-export or re-download it");
      }
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static NiftiHeader readHeaderFrom(Path headerFile, Path requested) {
    byte[] buf = new byte[NiftiHeader.NIFTI2_SIZE];
    int got;
    try (InputStream in = open(headerFile)) {
      got = in.readNBytes(buf, 0, buf.length);
    } catch (ZipException | EOFException e) {
      throw corruptGzip(headerFile, e, -1, -1);
    } catch (IOException e) {
      throw new DataException("cannot read " + headerFile + ": " + e.getMessage(), e);
    }
    if (got < 4) {
      throw new DataException("not a NIfTI file: " + headerFile + " has only " + got
          + " byte(s), fewer than a NIfTI header (348 bytes). Fix: pass a complete .nii, .nii.gz"
          + " or .hdr file");
    }
    int[] vo = NiftiHeader.detect(buf, headerFile);
    int size = vo[0] == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE;
    if (got < size) {
      throw new DataException("truncated NIfTI-" + vo[0] + " header in " + headerFile + ": "
          + got + " bytes, expected " + size + ". Fix: the file is incomplete; re-export or"
          + " re-download it");
    }
    ByteOrder order = vo[1] == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    return NiftiHeaderCodec.parse(Arrays.copyOf(buf, size), vo[0], order, requested);
  }

  private static void checkBitpix(NiftiHeader h, NiftiDataType type) {
    int expected = 8 * type.bytes();
    if (h.bitpix() != expected) {
      throw h.outOfRange("bitpix", h.bitpix(), expected + ", the bits per voxel of datatype "
          + type.numpyName() + " (" + type.code() + ")", "datatype and bitpix disagree, so the"
          + " voxel size is unknown; set bitpix to " + expected + " if the datatype is right,"
          + " else set datatype to the type the voxels were written as");
    }
  }

  private static void checkScaling(NiftiHeader h) {
    if (h.validSlope() && !Double.isFinite(h.sclInter())) {
      throw new DataException("NIfTI header of " + h.source() + " has a valid scl_slope "
          + h.sclSlope() + " but scl_inter " + h.sclInter() + ", so voxel values are undefined."
          + " Fix: set scl_inter to 0 (or scl_slope to 0 for no scaling) in the header");
    }
    if (h.validSlope()) {
      checkFloat32(h, "scl_slope", h.sclSlope(), "set scl_slope to a float32 value");
      checkFloat32(h, "scl_inter", h.sclInter(), "set scl_inter to a float32 value");
    }
  }

  /**
   * Checks the header numbers that the geometry uses beyond {@link #checkAffine}: the spatial
   * voxel sizes (always used), every field of the chosen transform within float32 range (a
   * NIfTI-2 header holds doubles; dfbk computes and writes float32), and the qform's
   * quaternion b^2 + c^2 + d^2 <= 1 (nibabel's rule, with its threshold).
   */
  private static void checkGeometry(NiftiHeader h) {
    double[] pixdim = h.rawPixdim();
    for (int i = 1; i <= Math.min(3, h.ndim()); i++) {
      if (!Double.isFinite(pixdim[i])) {
        throw h.outOfRange("pixdim[" + i + "]", pixdim[i], "a finite voxel size",
            "set pixdim[" + i + "] to the voxel size along axis " + i + " (in mm)");
      }
      checkFloat32(h, "pixdim[" + i + "]", pixdim[i], "set pixdim[" + i + "] to the voxel size"
          + " along axis " + i + " (in mm)");
    }
    if (h.sformCode() != 0) {
      String[] rows = {"srow_x", "srow_y", "srow_z"};
      double[][] srow = h.srow();
      for (int r = 0; r < 3; r++) {
        for (int c = 0; c < 4; c++) {
          checkFloat32(h, rows[r] + "[" + c + "] (sform)", srow[r][c], "repair the sform or set"
              + " sform_code 0 to use the qform");
        }
      }
      return;
    }
    if (h.qformCode() == 0) {
      return;
    }
    double[] q = h.quatern();
    double[] o = h.qoffset();
    String[] names = {"quatern_b", "quatern_c", "quatern_d", "qoffset_x", "qoffset_y",
        "qoffset_z"};
    for (int i = 0; i < 6; i++) {
      checkFloat32(h, names[i] + " (qform)", i < 3 ? q[i] : o[i - 3], "repair the qform or set"
          + " qform_code 0");
    }
    double w2;
    double threshold;
    if (h.version() == 1) {
      // in float32 arithmetic, as nibabel computes it for a NIfTI-1 header
      float b = (float) q[0];
      float c = (float) q[1];
      float d = (float) q[2];
      w2 = 1.0f - (b * b + c * c + d * d);
      threshold = QUATERNION_THRESHOLD_1;
    } else {
      w2 = 1.0 - (q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
      threshold = QUATERNION_THRESHOLD_2;
    }
    if (w2 < threshold) {
      throw h.outOfRange("quatern_b/c/d (qform)", Arrays.toString(q) + " with b^2 + c^2 + d^2"
          + " = " + (1 - w2), "b^2 + c^2 + d^2 <= 1, a unit quaternion without its a",
          "repair the qform (or set qform_code 0 to use the base affine from pixdim) and"
              + " re-export the image");
    }
  }

  /** A NIfTI-2 double that dfbk narrows to float32 must fit (NIfTI-1 values always do). */
  private static void checkFloat32(NiftiHeader h, String field, double value, String fix) {
    if (Double.isFinite(value) && Math.abs(value) > Float.MAX_VALUE) {
      throw h.outOfRange(field, value, "|x| <= " + Float.MAX_VALUE + ", the float32 range dfbk"
          + " computes and writes in", fix);
    }
  }

  private static void checkAffine(NiftiHeader h) {
    double[][] a = h.affine();
    for (double[] row : a) {
      for (double x : row) {
        if (!Double.isFinite(x)) {
          String from = h.sformCode() != 0 ? "sform (srow_x/y/z, sform_code " + h.sformCode() + ")"
              : h.qformCode() != 0 ? "qform (quatern_b/c/d, qoffset, pixdim; qform_code "
                  + h.qformCode() + ")" : "pixdim";
          throw new DataException("NIfTI header of " + h.source() + " has a non-finite (NaN or"
              + " infinite) voxel-to-world affine from its " + from + ": "
              + Arrays.deepToString(a) + ". Fix: repair the header's geometry (or set sform_code"
              + " 0 to use the qform) and re-export the image");
        }
      }
    }
  }

  /** Byte offset of the voxels; 0 in a single file means "right after header + extender". */
  private static long dataOffset(NiftiHeader h) {
    long min = (h.version() == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE) + 4;
    long off = h.voxOffset();
    if (!h.isSingleFile()) {
      if (off < 0) {
        throw new DataException("NIfTI header of " + h.source() + " has vox_offset " + off
            + " < 0. Fix: set vox_offset to 0 for a .hdr/.img pair");
      }
      return off;
    }
    if (off == 0) {
      return min;
    }
    if (off < min) {
      throw new DataException("NIfTI header of " + h.source() + " has vox_offset " + off
          + ", inside the header (a single-file NIfTI-" + h.version() + " needs >= " + min
          + "). Fix: set vox_offset to " + min + " (or the end of the extensions)");
    }
    return off;
  }

  /** Opens a file for reading, transparently inflating gzip content. */
  static InputStream open(Path file) throws IOException {
    boolean gz = isGzip(file);
    InputStream raw = Files.newInputStream(file);
    if (gz) {
      try {
        return new GZIPInputStream(raw, GZIP_BUFFER);
      } catch (IOException e) {
        raw.close();
        throw e;
      }
    }
    return raw;
  }

  static boolean isGzip(Path file) throws IOException {
    byte[] sig = new byte[2];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.wrap(sig);
      ch.read(b, 0);
    }
    return (sig[0] & 0xff) == 0x1f && (sig[1] & 0xff) == 0x8b;
  }

  /**
   * Reads {@code length} bytes at {@code offset} of the (possibly gzipped) data file. The size
   * is compared with the file before any buffer is allocated: with the file's length for a
   * plain file; for gzip with the most its compressed size can inflate to, and then the buffer
   * grows only as decompressed data arrives, so a short stream fails after allocating about
   * what it held.
   */
  private static ByteBuffer readRegion(Path file, long offset, int length, NiftiHeader h,
      NiftiDataType type) {
    try {
      long fileSize = Files.size(file);
      if (!isGzip(file)) {
        if (offset > fileSize) {
          throw h.outOfRange("vox_offset", offset, "at most the length of " + file + ", "
              + fileSize + " bytes", "the file is truncated or vox_offset is wrong; re-export or"
              + " re-download it");
        }
        if (fileSize - offset < length) {
          throw tooShort(file, h, type, offset, length, fileSize, false);
        }
        byte[] out = new byte[length];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
          ByteBuffer bb = ByteBuffer.wrap(out);
          long pos = offset;
          while (bb.hasRemaining()) {
            int n = ch.read(bb, pos);
            if (n < 0) {
              throw tooShort(file, h, type, offset, length, pos, false);
            }
            pos += n;
          }
        }
        return ByteBuffer.wrap(out);
      }
      long inflatable = fileSize > Long.MAX_VALUE / MAX_DEFLATE_RATIO ? Long.MAX_VALUE
          : fileSize * MAX_DEFLATE_RATIO;
      if (offset > inflatable - length) {
        throw new DataException("NIfTI data in " + file + " is too short: the header says dims "
            + Arrays.toString(h.dims()) + " of " + type.numpyName() + " = " + length + " bytes"
            + " at vox_offset " + offset + ", so the decompressed file needs " + (offset + length)
            + " bytes, but its " + fileSize + " gzip bytes inflate to at most " + inflatable
            + ". Fix: the file is truncated or its header dims are wrong; re-export or"
            + " re-download it");
      }
      long skipped = 0;
      int got = 0;
      byte[] out = new byte[Math.min(length, GZIP_FIRST_CHUNK)];
      try (InputStream in = open(file)) {
        skipped = skipFully(in, offset);
        if (skipped < offset) {
          throw tooShort(file, h, type, offset, length, skipped, true);
        }
        while (got < length) {
          if (got == out.length) {
            out = Arrays.copyOf(out, (int) Math.min(length, 2L * out.length));
          }
          int r = in.read(out, got, out.length - got);
          if (r < 0) {
            break;
          }
          got += r;
        }
        if (got < length) {
          throw tooShort(file, h, type, offset, length, offset + got, true);
        }
        // Drain the stream so that the gzip trailer (CRC-32, size) is verified.
        byte[] scratch = new byte[8192];
        while (in.read(scratch) >= 0) {
          // trailing bytes after the voxels are allowed
        }
      } catch (ZipException | EOFException e) {
        throw corruptGzip(file, e, offset + got, offset + length);
      }
      return ByteBuffer.wrap(out);
    } catch (IOException e) {
      throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private static long skipFully(InputStream in, long n) throws IOException {
    long done = 0;
    byte[] scratch = new byte[8192];
    while (done < n) {
      int r = in.read(scratch, 0, (int) Math.min(scratch.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  private static DataException tooShort(Path file, NiftiHeader h, NiftiDataType type,
      long offset, long length, long available, boolean gz) {
    return new DataException("NIfTI data in " + file + " is too short: the header says dims "
        + Arrays.toString(h.dims()) + " of " + type.numpyName() + " (" + type.bytes()
        + " byte(s) each) = " + length + " bytes at offset " + offset + ", so the "
        + (gz ? "decompressed " : "") + "file needs " + (offset + length) + " bytes, but it has "
        + available + ". Fix: the file is truncated or its header dims are wrong; re-export or"
        + " re-download it");
  }

  private static DataException corruptGzip(Path file, IOException e, long got, long expected) {
    String where = got >= 0
        ? " after " + got + " of " + expected + " expected decompressed bytes" : "";
    String cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return new DataException("truncated or corrupt gzip stream in " + file + where + " ("
        + cause + "). Fix: the download or copy was incomplete; fetch the file again"
        + " (check it with gzip -t)", e);
  }

  // ================================================================ writing

  /** {@link #write} with {@link NiftiDataType#FLOAT32}. */
  public static void writeFloat32(Path out, Volume v, NiftiHeader template) {
    write(out, v, template, NiftiDataType.FLOAT32);
  }

  /**
   * Writes {@code v} as a little-endian NIfTI-1 single file: {@code .nii.gz} (gzip) when the
   * name ends in ".gz", else uncompressed {@code .nii}. The write is atomic: a temporary file in
   * the target folder is written and then renamed over {@code out}.
   *
   * <p>Header: a copy of {@code template} (all fields: codes, quaternion, pixdim, xyzt_units,
   * intent, descrip), with dim = [3, nx, ny, nz, 1, 1, 1, 1] (dim[0] = 2 for one slice written
   * from a 2-D template), the datatype, vox_offset 352,
   * cal_min/cal_max 0 and no extensions. With {@code template == null} the header is built
   * from the volume alone: sform_code and qform_code 1 (scanner), xyzt_units mm.
   *
   * <p>Geometry: when the volume's affine equals the template's best affine (max |diff| <=
   * 1e-4 mm), the template's sform/qform fields are kept unchanged. Otherwise the volume's
   * affine wins: it is written as the sform (sform_code kept when > 0, else 1), and, when it is
   * a rotation times a positive scaling (optionally flipping z), also as the qform with pixdim
   * 1..3 set to its column norms (qform_code kept when > 0, else 1); an affine with shears gets
   * qform_code 0.
   *
   * <p>Values: float32/float64 store the values as they are with scl_slope 1, scl_inter 0.
   * Integer types store {@code rint((v - inter) / slope)} clamped to the type's range (NaN as
   * 0), where slope/inter are the template's scaling when it has a valid one (scl_slope finite
   * and non-zero), else 1/0; so a volume read from a scaled integer file is written back with
   * the same raw values.
   *
   * @throws DataException when {@code out} is the file the template was read from (or its .img),
   *     when the dims do not fit NIfTI-1, or on an I/O error
   */
  public static void write(Path out, Volume v, NiftiHeader template, NiftiDataType type) {
    if (type == null) {
      throw new IllegalArgumentException("type must not be null (use FLOAT32 for the default)");
    }
    refuseOverwritingSource(out, template);
    NiftiHeader h = headerFor(v, template, type);
    String lower = out.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean gz = lower.endsWith(".gz");
    byte[] header = NiftiHeaderCodec.encode(h, 1, ByteOrder.LITTLE_ENDIAN, out);
    ByteBuffer voxels = ByteBuffer.allocate(v.data().length * type.bytes())
        .order(ByteOrder.LITTLE_ENDIAN);
    VoxelCodec.encode(v.data(), voxels, type, h.sclSlope(), h.sclInter());
    try {
      // a new sibling has the permissions of any new file, not createTempFile's 0600
      AtomicFiles.write(out, tmp -> {
        OutputStream os = Files.newOutputStream(tmp, StandardOpenOption.WRITE);
        try (os; OutputStream dst = gz ? new GZIPOutputStream(os, GZIP_BUFFER) : os) {
          dst.write(header);
          dst.write(voxels.array());
        }
      });
    } catch (IOException e) {
      throw new DataException("cannot write NIfTI file " + out + ": " + e
          + ". Fix: check that the folder is writable and the disk has space", e);
    }
  }

  private static void refuseOverwritingSource(Path out, NiftiHeader template) {
    if (template == null || template.source() == null || !Files.exists(out)) {
      return;
    }
    Path src = template.source();
    try {
      boolean same = Files.exists(src) && Files.isSameFile(out, src);
      if (!same) {
        String lower = src.getFileName().toString().toLowerCase(Locale.ROOT);
        if (lower.endsWith(".hdr") || lower.endsWith(".hdr.gz")) {
          Path img = sibling(src, ".hdr", ".img");
          same = img != null && Files.isSameFile(out, img);
        }
      }
      if (same) {
        throw new DataException("refusing to overwrite " + out + ": it is the input file the"
            + " header template was read from (" + src + "). Fix: choose another output path");
      }
    } catch (NoSuchFileException e) {
      // out vanished between the checks: nothing to protect
    } catch (IOException e) {
      throw new DataException("cannot compare " + out + " with " + src + ": " + e.getMessage(),
          e);
    }
  }

  /** Builds the NIfTI-1 header for writing {@code v}; see {@link #write}. */
  static NiftiHeader headerFor(Volume v, NiftiHeader template, NiftiDataType type) {
    NiftiHeader h;
    boolean keepGeometry;
    if (template == null) {
      h = new NiftiHeader();
      h.xyztUnits = NiftiHeader.UNITS_MM;
      h.sformCode = 1;
      h.qformCode = 1;
      keepGeometry = false;
    } else {
      h = template.copy();
      keepGeometry = Geometry.maxAbsDiff(template.affine(), v.affine()) <= 1e-4;
    }
    h.version = 1;
    h.byteOrder = ByteOrder.LITTLE_ENDIAN;
    h.magic = "n+1";
    h.source = null;
    double[] pix = h.pixdim.clone();
    // A single slice written from a 2-D template stays 2-D (nibabel shape (nx, ny)).
    int ndim = template != null && template.ndim() == 2 && v.nz() == 1 ? 2 : 3;
    h.dim = new long[] {ndim, v.nx(), v.ny(), v.nz(), 1, 1, 1, 1};
    h.pixdim = new double[] {pix[0], pix[1], pix[2], pix[3], pix[4], pix[5], pix[6], pix[7]};
    if (!keepGeometry) {
      setGeometry(h, v.affine(), template == null);
    }
    h.datatypeCode = type.code();
    h.bitpix = type.bytes() * 8;
    h.voxOffset = NiftiHeader.NIFTI1_SIZE + 4;
    if (type.isInteger() && template != null && template.validSlope()
        && Double.isFinite(template.sclInter())) {
      h.sclSlope = template.sclSlope();
      h.sclInter = template.sclInter();
    } else {
      h.sclSlope = 1.0;
      h.sclInter = 0.0;
    }
    h.calMin = 0;
    h.calMax = 0;
    return h;
  }

  private static void setGeometry(NiftiHeader h, double[][] aff, boolean fresh) {
    for (int r = 0; r < 3; r++) {
      h.srow[r] = aff[r].clone();
    }
    h.sformCode = h.sformCode > 0 && !fresh ? h.sformCode : 1;
    double[] q = Geometry.affineToQform(aff);
    if (q == null) {
      h.qformCode = 0;
      h.quaternB = 0;
      h.quaternC = 0;
      h.quaternD = 0;
      h.qoffsetX = aff[0][3];
      h.qoffsetY = aff[1][3];
      h.qoffsetZ = aff[2][3];
      for (int j = 0; j < 3; j++) {
        h.pixdim[j + 1] = Math.sqrt(aff[0][j] * aff[0][j] + aff[1][j] * aff[1][j]
            + aff[2][j] * aff[2][j]);
      }
      h.pixdim[0] = 1;
      return;
    }
    h.qformCode = h.qformCode > 0 && !fresh ? h.qformCode : 1;
    h.quaternB = q[0];
    h.quaternC = q[1];
    h.quaternD = q[2];
    h.qoffsetX = q[3];
    h.qoffsetY = q[4];
    h.qoffsetZ = q[5];
    h.pixdim[1] = q[6];
    h.pixdim[2] = q[7];
    h.pixdim[3] = q[8];
    h.pixdim[0] = q[9];
  }
}
