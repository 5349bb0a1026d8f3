#!/usr/bin/python3
"""Writes small NIfTI files with nibabel covering what the shared conformance set lacks
(qform-only and fallback affines, big-endian NIfTI-2, .hdr/.img pairs, gzipped pairs, every
supported datatype) and records how nibabel reads them, plus nibabel's reading of the
header-only files in ../shared/data/nifti-conformance.

Run with Debian's python: /usr/bin/python3 scripts/reference/nifti_golden.py
Output: dfbk-data/src/test/resources/org/dfbk/data/nifti/golden/{*.nii,*.hdr,*.img*,expected.json}
"""
import gzip
import json
import os
import struct
import sys

import nibabel as nib
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'dfbk-data/src/test/resources/org/dfbk/data/nifti/golden')
SHARED = os.path.join(ROOT, '..', 'shared', 'data', 'nifti-conformance')
rng = np.random.default_rng(20240611)


def quat_affine(angle_deg, axis, zooms, offset, qfac):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    half = np.deg2rad(angle_deg) / 2
    w, (x, y, z) = np.cos(half), np.sin(half) * axis
    r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                  [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                  [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
    z3 = np.array(zooms, float)
    z3[2] *= qfac
    a = np.eye(4)
    a[:3, :3] = r @ np.diag(z3)
    a[:3, 3] = offset
    return a


def patch_scl(path, slope, inter):
    """Sets scl_slope/scl_inter of a NIfTI-1 header in place (nibabel recomputes them on save)."""
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        raw = bytearray(f.read())
    endian = '<' if struct.unpack('<i', raw[:4])[0] == 348 else '>'
    raw[112:120] = struct.pack(endian + 'ff', slope, inter)
    with opener(path, 'wb') as f:
        f.write(bytes(raw))


def record(path):
    img = nib.load(path)
    hdr = img.header
    data = np.asarray(img.dataobj, dtype=np.float64)
    flat = data.ravel(order='F')
    idx = sorted(set([0, 1, flat.size // 3, flat.size // 2, flat.size - 1]))
    return {
        'file': os.path.basename(path),
        'nifti_version': 2 if isinstance(hdr, nib.Nifti2Header) else 1,
        'shape': list(img.shape),
        'dtype': str(img.get_data_dtype().newbyteorder('=')),
        'byte_order': hdr.endianness,
        'pixdim': [float(z) for z in hdr.get_zooms()],
        'affine': img.affine.tolist(),
        'qform_code': int(hdr['qform_code']),
        'sform_code': int(hdr['sform_code']),
        'scaled_sum': float(flat.sum()),
        'scaled_min': float(flat.min()),
        'scaled_max': float(flat.max()),
        'fortran_order_samples': {str(i): float(flat[i]) for i in idx},
        'axcodes': ''.join(nib.aff2axcodes(img.affine)),
        'voxel_sizes': nib.affines.voxel_sizes(img.affine).tolist(),
        'volume0_stats': volume0_stats(data),
    }


def volume0_stats(data):
    """numpy statistics of volume 0 (finite voxels), linear-interpolation percentiles."""
    v = data if data.ndim <= 3 else data[..., 0]
    v = v[np.isfinite(v)]
    return {'min': float(v.min()), 'max': float(v.max()), 'mean': float(v.mean()),
            'p1': float(np.percentile(v, 1)), 'p50': float(np.percentile(v, 50)),
            'p99': float(np.percentile(v, 99)), 'p99_5': float(np.percentile(v, 99.5))}


def header_only(path):
    raw = open(path, 'rb').read()
    cls = nib.Nifti2Header if len(raw) >= 540 else nib.Nifti1Header
    with open(path, 'rb') as f:
        hdr = cls.from_fileobj(f)
    return {
        'file': os.path.basename(path),
        'nifti_version': 2 if cls is nib.Nifti2Header else 1,
        'shape': [int(s) for s in hdr.get_data_shape()],
        'dtype': str(hdr.get_data_dtype().newbyteorder('=')),
        'byte_order': hdr.endianness,
        'pixdim': [float(z) for z in hdr.get_zooms()],
        'affine': hdr.get_best_affine().tolist(),
        'qform_code': int(hdr['qform_code']),
        'sform_code': int(hdr['sform_code']),
        'scl_slope': float(hdr['scl_slope']),
        'scl_inter': float(hdr['scl_inter']),
        'vox_offset': int(hdr['vox_offset']),
        'magic': hdr['magic'].item().decode(),
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    files = []

    # 1. qform only (sform_code 0), oblique, qfac -1, big-endian int16 with scaling.
    aff = quat_affine(23.0, (0.3, -0.5, 0.8), (1.5, 2.0, 2.5), (-30.0, 41.5, 12.0), -1)
    d = rng.integers(-2000, 2000, size=(7, 6, 5)).astype('>i2')
    img = nib.Nifti1Image(d, None, nib.Nifti1Header(endianness='>'))
    img.header.set_data_dtype('>i2')
    img.header.set_qform(aff, code=1)
    img.header.set_sform(None, code=0)
    img.header.set_xyzt_units('mm', 'sec')
    nib.save(img, os.path.join(OUT, 'qform-only-be-int16.nii'))
    patch_scl(os.path.join(OUT, 'qform-only-be-int16.nii'), 0.25, -10.0)
    files.append('qform-only-be-int16.nii')

    # 2. neither sform nor qform: nibabel's base affine; uint16, odd/even sizes.
    d = rng.integers(0, 65535, size=(6, 5, 3)).astype(np.uint16)
    img = nib.Nifti1Image(d, None)
    img.header.set_zooms((2.0, 3.0, 4.0))
    img.header.set_qform(None, code=0)
    img.header.set_sform(None, code=0)
    img.header.set_slope_inter(1.0, 0.0)
    nib.save(img, os.path.join(OUT, 'no-xform-uint16.nii'))
    files.append('no-xform-uint16.nii')

    # 3. NIfTI-2 big-endian float64, 4-D with 3 volumes, sform only.
    aff = np.array([[0.0, 0.0, -1.25, 20], [1.5, 0, 0, -30], [0, 2.0, 0, 5.5], [0, 0, 0, 1]])
    d = rng.normal(0, 50, size=(4, 3, 2, 3)).astype('>f8')
    img = nib.Nifti2Image(d, aff, nib.Nifti2Header(endianness='>'))
    img.header.set_data_dtype('>f8')
    img.header.set_qform(None, code=0)
    img.header.set_sform(aff, code=4)
    nib.save(img, os.path.join(OUT, 'nifti2-be-float64-4d.nii'))
    files.append('nifti2-be-float64-4d.nii')

    # 4. NIfTI-1 .hdr/.img pair, int8, with both codes.
    aff = quat_affine(-40.0, (0, 0, 1), (1.0, 1.0, 1.2), (5.0, -6.0, 7.0), 1)
    d = rng.integers(-128, 127, size=(5, 4, 3)).astype(np.int8)
    img = nib.Nifti1Pair(d, aff)
    img.header.set_qform(aff, code=2)
    img.header.set_sform(aff, code=2)
    nib.save(img, os.path.join(OUT, 'pair-int8.img'))
    files.append('pair-int8.hdr')

    # 5. gzipped pair, int32 scaled, uint8 in a .nii.gz, float32 .nii.gz with slope.
    d = rng.integers(-100000, 100000, size=(3, 4, 5)).astype(np.int32)
    img = nib.Nifti1Pair(d, np.diag([2.0, 2.0, 2.0, 1.0]))
    nib.save(img, os.path.join(OUT, 'pair-int32.img.gz'))
    patch_scl(os.path.join(OUT, 'pair-int32.hdr.gz'), 0.5, 3.0)
    files.append('pair-int32.hdr.gz')

    d = rng.integers(0, 255, size=(5, 5, 2)).astype(np.uint8)
    img = nib.Nifti1Image(d, np.diag([-1.0, -1.0, 1.0, 1.0]))
    nib.save(img, os.path.join(OUT, 'lps-uint8.nii.gz'))
    files.append('lps-uint8.nii.gz')

    d = rng.normal(100, 30, size=(4, 4, 4)).astype(np.float32)
    img = nib.Nifti1Image(d, np.eye(4))
    nib.save(img, os.path.join(OUT, 'float32-scaled.nii.gz'))
    patch_scl(os.path.join(OUT, 'float32-scaled.nii.gz'), 2.0, -1.0)
    files.append('float32-scaled.nii.gz')

    expected = {'tool': 'nibabel ' + nib.__version__,
                'files': [record(os.path.join(OUT, f)) for f in files]}
    if os.path.isdir(SHARED):
        expected['header_only'] = [header_only(os.path.join(SHARED, f))
                                   for f in ('nifti1.hdr', 'nifti2.hdr')]
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(expected, f, indent=1)
    print('wrote', OUT, file=sys.stderr)


if __name__ == '__main__':
    main()
