package org.dfbk.data.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.dfbk.data.nifti.NiftiField.Constant;
import org.dfbk.data.nifti.NiftiField.Ints;
import org.dfbk.data.nifti.NiftiField.Layout;
import org.dfbk.data.nifti.NiftiField.Reals;
import org.dfbk.data.nifti.NiftiField.Signature;
import org.dfbk.data.nifti.NiftiField.Text;
import org.dfbk.data.nifti.NiftiField.Type;
import org.junit.jupiter.api.Test;

/**
 * {@link NiftiField}'s table against the standard: every field at the offset, type and count of
 * nifti1.h / nifti2.h (written out below by hand from the headers' struct layouts), no two
 * fields sharing a byte, and every byte of the 348- and 540-byte headers covered except the
 * fields NIfTI leaves unused.
 */
class NiftiFieldTableTest {
  /**
   * name, then NIfTI-1 offset type count, then NIfTI-2 offset type count ("-" where the version
   * lacks the field). One-byte numeric {@code char} fields of nifti1.h/nifti2.h (dim_info,
   * and NIfTI-1's slice_code and xyzt_units) are read unsigned, as nibabel's {@code u1}.
   */
  private static final String STANDARD = """
      sizeof_hdr      0 INT32 1     0 INT32 1
      magic         344 CHAR 4      4 CHAR 8
      regular        38 CHAR 1      -
      dim            40 INT16 8    16 INT64 8
      pixdim         76 FLOAT32 8 104 FLOAT64 8
      datatype       70 INT16 1    12 INT16 1
      bitpix         72 INT16 1    14 INT16 1
      vox_offset    108 FLOAT32 1 168 INT64 1
      intent_p1      56 FLOAT32 1  80 FLOAT64 1
      intent_p2      60 FLOAT32 1  88 FLOAT64 1
      intent_p3      64 FLOAT32 1  96 FLOAT64 1
      intent_code    68 INT16 1   504 INT32 1
      intent_name   328 CHAR 16   508 CHAR 16
      scl_slope     112 FLOAT32 1 176 FLOAT64 1
      scl_inter     116 FLOAT32 1 184 FLOAT64 1
      cal_max       124 FLOAT32 1 192 FLOAT64 1
      cal_min       128 FLOAT32 1 200 FLOAT64 1
      slice_start    74 INT16 1   224 INT64 1
      slice_end     120 INT16 1   232 INT64 1
      slice_code    122 UINT8 1   496 INT32 1
      slice_duration 132 FLOAT32 1 208 FLOAT64 1
      toffset       136 FLOAT32 1 216 FLOAT64 1
      xyzt_units    123 UINT8 1   500 INT32 1
      dim_info       39 UINT8 1   524 UINT8 1
      descrip       148 CHAR 80   240 CHAR 80
      aux_file      228 CHAR 24   320 CHAR 24
      qform_code    252 INT16 1   344 INT32 1
      sform_code    254 INT16 1   348 INT32 1
      quatern_b     256 FLOAT32 1 352 FLOAT64 1
      quatern_c     260 FLOAT32 1 360 FLOAT64 1
      quatern_d     264 FLOAT32 1 368 FLOAT64 1
      qoffset_x     268 FLOAT32 1 376 FLOAT64 1
      qoffset_y     272 FLOAT32 1 384 FLOAT64 1
      qoffset_z     276 FLOAT32 1 392 FLOAT64 1
      srow_x        280 FLOAT32 4 400 FLOAT64 4
      srow_y        296 FLOAT32 4 432 FLOAT64 4
      srow_z        312 FLOAT32 4 464 FLOAT64 4
      """;

  /** Bytes NIfTI defines but leaves unused, per version: name, first byte, last byte. */
  private static final String UNUSED = """
      1 data_type       4  13
      1 db_name        14  31
      1 extents        32  35
      1 session_error  36  37
      1 glmax         140 143
      1 glmin         144 147
      2 unused_str    525 539
      """;

  private static Layout layout(String[] cols, int from) {
    if (cols[from].equals("-")) {
      return null;
    }
    return new Layout(Integer.parseInt(cols[from]), Type.valueOf(cols[from + 1]),
        Integer.parseInt(cols[from + 2]));
  }

  @Test
  void everyFieldSitsWhereTheStandardPutsIt() {
    Map<String, NiftiField> byName = new TreeMap<>();
    for (NiftiField f : NiftiField.values()) {
      assertEquals(null, byName.put(f.standardName(), f), "two fields named " + f.standardName());
    }
    List<String> missing = new ArrayList<>(byName.keySet());
    for (String line : STANDARD.strip().split("\n")) {
      String[] cols = line.trim().split("\\s+");
      NiftiField f = byName.get(cols[0]);
      assertNotNull(f, "the table lacks the standard's field " + cols[0]);
      missing.remove(cols[0]);
      assertEquals(layout(cols, 1), f.layout(1), cols[0] + " in NIfTI-1");
      assertEquals(layout(cols, 4), f.layout(2), cols[0] + " in NIfTI-2");
    }
    assertEquals(List.of(), missing, "table fields the standard's layout above does not list");
  }

  @Test
  void fieldsDoNotOverlapAndCoverEveryUsedByte() {
    for (int version : new int[] {1, 2}) {
      int size = version == 1 ? NiftiHeader.NIFTI1_SIZE : NiftiHeader.NIFTI2_SIZE;
      String[] owner = new String[size];
      for (NiftiField f : NiftiField.values()) {
        Layout at = f.layout(version);
        if (at == null) {
          continue;
        }
        assertTrue(at.offset() >= 0 && at.offset() + at.size() <= size, f.standardName()
            + " bytes " + at.offset() + ".." + (at.offset() + at.size() - 1) + " lie outside"
            + " the " + size + "-byte NIfTI-" + version + " header");
        for (int b = at.offset(); b < at.offset() + at.size(); b++) {
          if (owner[b] != null) {
            fail("NIfTI-" + version + " byte " + b + " belongs to both " + owner[b] + " and "
                + f.standardName());
          }
          owner[b] = f.standardName();
        }
      }
      for (String line : UNUSED.strip().split("\n")) {
        String[] cols = line.trim().split("\\s+");
        if (Integer.parseInt(cols[0]) != version) {
          continue;
        }
        for (int b = Integer.parseInt(cols[2]); b <= Integer.parseInt(cols[3]); b++) {
          if (owner[b] != null) {
            fail("NIfTI-" + version + " byte " + b + " of the unused " + cols[1]
                + " belongs to " + owner[b]);
          }
          owner[b] = cols[1] + " (unused)";
        }
      }
      List<Integer> uncovered = new ArrayList<>();
      for (int b = 0; b < size; b++) {
        if (owner[b] == null) {
          uncovered.add(b);
        }
      }
      assertEquals(List.of(), uncovered, "NIfTI-" + version + " bytes no field covers");
    }
  }

  @Test
  void eachValueKindMatchesItsOnDiskTypes() {
    for (NiftiField f : NiftiField.values()) {
      for (int version : new int[] {1, 2}) {
        Layout at = f.layout(version);
        if (at == null) {
          continue;
        }
        String where = f.standardName() + " in NIfTI-" + version + " (" + at.type() + ")";
        if (f.value() instanceof Reals) {
          assertTrue(at.type().isReal(), where + ": a real value needs a float type");
        } else if (f.value() instanceof Ints ints) {
          assertTrue(at.type().isInteger() || at.type() == Type.FLOAT32 && ints.fromReal()
              != null, where + ": an integer value needs an integer type, or float32 with a"
              + " conversion");
        } else if (f.value() instanceof Text || f.value() instanceof Signature) {
          assertEquals(Type.CHAR, at.type(), where + ": text");
        } else if (f.value() instanceof Constant) {
          assertTrue(at.type().isInteger() || at.type() == Type.CHAR, where + ": constant");
        }
      }
    }
  }
}
