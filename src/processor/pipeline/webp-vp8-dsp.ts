/**
 * The pixel arithmetic of VP8 (RFC 6386 sections 12, 14 and 15) and libwebp's conversion of the
 * decoded YUV 4:2:0 to RGB. Everything works on Uint8ClampedArray planes, so the clamping to
 * 0…255 that the spec applies after every prediction, residual and filter tap is the store itself.
 *
 * Macroblocks are predicted and reconstructed in a small work area laid out as libwebp's: rows of
 * WORK_STRIDE bytes, with the row above and the column to the left of each block in place, so that
 * every predictor reads its edges at fixed offsets from the block.
 */

/** Row stride of the work area. */
export const WORK_STRIDE = 32;
/** Offsets in the work area of the luma block and the two chroma blocks (each with 1 row above, 4 columns left). */
export const Y_OFF = WORK_STRIDE + 8;
export const U_OFF = Y_OFF + WORK_STRIDE * 16 + WORK_STRIDE;
export const V_OFF = U_OFF + 16;
export const WORK_SIZE = WORK_STRIDE * 17 + WORK_STRIDE * 9;

/**
 * Intra modes. 4×4 modes in libwebp's numbering; the whole-block modes (16×16 luma, 8×8 chroma)
 * share the numbers of their 4×4 equivalents (DC, TM, V = VE, H = HE), which is also how a
 * 16×16 macroblock's mode is the context of its neighbours' 4×4 modes (RFC 6386 11.3).
 */
export const B_DC_PRED = 0;
export const B_TM_PRED = 1;
export const B_VE_PRED = 2;
export const B_HE_PRED = 3;
export const B_RD_PRED = 4;
export const B_VR_PRED = 5;
export const B_LD_PRED = 6;
export const B_VL_PRED = 7;
export const B_HD_PRED = 8;
export const B_HU_PRED = 9;

const S = WORK_STRIDE;

// ---------------------------------------------------------------------------------------------
// Inverse transforms (RFC 6386 14.3 and 14.4)

const MUL1 = (a: number): number => ((a * 20091) >> 16) + a;
const MUL2 = (a: number): number => (a * 35468) >> 16;

/**
 * The inverse Walsh-Hadamard transform of the 16 second-order (Y2) coefficients, whose outputs
 * become the DC coefficients of the 16 luma blocks (`out[16 * i]`). Int16 storage, as libwebp's.
 */
export function inverseWht(input: Int16Array, out: Int16Array, scratch: Int32Array): void {
  for (let i = 0; i < 4; i++) {
    const a0 = input[i]! + input[12 + i]!;
    const a1 = input[4 + i]! + input[8 + i]!;
    const a2 = input[4 + i]! - input[8 + i]!;
    const a3 = input[i]! - input[12 + i]!;
    scratch[i] = a0 + a1;
    scratch[8 + i] = a0 - a1;
    scratch[4 + i] = a3 + a2;
    scratch[12 + i] = a3 - a2;
  }
  for (let i = 0, o = 0; i < 4; i++, o += 64) {
    const dc = scratch[i * 4]! + 3;
    const a0 = dc + scratch[3 + i * 4]!;
    const a1 = scratch[1 + i * 4]! + scratch[2 + i * 4]!;
    const a2 = scratch[1 + i * 4]! - scratch[2 + i * 4]!;
    const a3 = dc - scratch[3 + i * 4]!;
    out[o] = (a0 + a1) >> 3;
    out[o + 16] = (a3 + a2) >> 3;
    out[o + 32] = (a0 - a1) >> 3;
    out[o + 48] = (a3 - a2) >> 3;
  }
}

/** The exact integer inverse DCT of one 4×4 block (`coeffs[at…at+15]`, raster order), added to the prediction at `dst`. */
export function inverseDctAdd(
  coeffs: Int16Array,
  at: number,
  work: Uint8ClampedArray,
  dst: number,
  scratch: Int32Array,
): void {
  // Vertical pass, one column at a time: scratch[4 * column + row].
  for (let i = 0; i < 4; i++) {
    const c0 = coeffs[at + i]!,
      c4 = coeffs[at + 4 + i]!,
      c8 = coeffs[at + 8 + i]!,
      c12 = coeffs[at + 12 + i]!;
    const a = c0 + c8;
    const b = c0 - c8;
    const c = MUL2(c4) - MUL1(c12);
    const d = MUL1(c4) + MUL2(c12);
    scratch[4 * i] = a + d;
    scratch[4 * i + 1] = b + c;
    scratch[4 * i + 2] = b - c;
    scratch[4 * i + 3] = a - d;
  }
  // Horizontal pass, one row at a time, with the rounding and the final >> 3.
  for (let i = 0, o = dst; i < 4; i++, o += S) {
    const dc = scratch[i]! + 4;
    const t4 = scratch[4 + i]!,
      t8 = scratch[8 + i]!,
      t12 = scratch[12 + i]!;
    const a = dc + t8;
    const b = dc - t8;
    const c = MUL2(t4) - MUL1(t12);
    const d = MUL1(t4) + MUL2(t12);
    work[o] = work[o]! + ((a + d) >> 3);
    work[o + 1] = work[o + 1]! + ((b + c) >> 3);
    work[o + 2] = work[o + 2]! + ((b - c) >> 3);
    work[o + 3] = work[o + 3]! + ((a - d) >> 3);
  }
}

/** The inverse DCT of a block whose only non-zero coefficient is the DC: the same result, cheaper. */
export function inverseDcAdd(dc: number, work: Uint8ClampedArray, dst: number): void {
  const add = (dc + 4) >> 3;
  for (let o = dst, end = dst + 4 * S; o < end; o += S) {
    work[o] = work[o]! + add;
    work[o + 1] = work[o + 1]! + add;
    work[o + 2] = work[o + 2]! + add;
    work[o + 3] = work[o + 3]! + add;
  }
}

// ---------------------------------------------------------------------------------------------
// Intra prediction (RFC 6386 12)

function fill(work: Uint8ClampedArray, dst: number, size: number, value: number): void {
  for (let y = 0, o = dst; y < size; y++, o += S) work.fill(value, o, o + size);
}

/**
 * Whole-block prediction of `size` × `size` (16 luma, 8 chroma). DC_PRED averages the edges that
 * exist (`hasTop`, `hasLeft`: not at the frame's top or left border), 128 with neither; the other
 * modes read the border values the caller put in place (127 above the frame, 129 left of it).
 */
export function predictBlock(
  work: Uint8ClampedArray,
  dst: number,
  size: number,
  mode: number,
  hasTop: boolean,
  hasLeft: boolean,
): void {
  const top = dst - S;
  if (mode === B_DC_PRED) {
    const shift = size === 16 ? 4 : 3;
    let sum = 0;
    if (hasTop) for (let x = 0; x < size; x++) sum += work[top + x]!;
    if (hasLeft) for (let y = 0; y < size; y++) sum += work[dst - 1 + y * S]!;
    let value: number;
    if (hasTop && hasLeft) value = (sum + size) >> (shift + 1);
    else if (hasTop || hasLeft) value = (sum + (size >> 1)) >> shift;
    else value = 128;
    fill(work, dst, size, value);
  } else if (mode === B_VE_PRED) {
    for (let y = 0, o = dst; y < size; y++, o += S) work.copyWithin(o, top, top + size);
  } else if (mode === B_HE_PRED) {
    for (let y = 0, o = dst; y < size; y++, o += S) work.fill(work[o - 1]!, o, o + size);
  } else {
    trueMotion(work, dst, size);
  }
}

/** TM_PRED: above + left − above-left, clamped. */
function trueMotion(work: Uint8ClampedArray, dst: number, size: number): void {
  const top = dst - S;
  const corner = work[top - 1]!;
  for (let y = 0, o = dst; y < size; y++, o += S) {
    const left = work[o - 1]! - corner;
    for (let x = 0; x < size; x++) work[o + x] = work[top + x]! + left;
  }
}

const avg3 = (a: number, b: number, c: number): number => (a + 2 * b + c + 2) >> 2;
const avg2 = (a: number, b: number): number => (a + b + 1) >> 1;

/** Sets one row of 4 pixels. */
function row4(w: Uint8ClampedArray, o: number, a: number, b: number, c: number, d: number): void {
  w[o] = a;
  w[o + 1] = b;
  w[o + 2] = c;
  w[o + 3] = d;
}

/**
 * 4×4 prediction (RFC 6386 12.3) of the subblock at `dst`, from the 4 pixels to its left (I J K
 * L, top to bottom), the corner X above-left and the 8 above (A…H: its own 4, then the 4 above
 * and to the right, which the caller has put in place).
 */
export function predict4(w: Uint8ClampedArray, dst: number, mode: number): void {
  const t = dst - S;
  const X = w[t - 1]!;
  const A = w[t]!,
    B = w[t + 1]!,
    C = w[t + 2]!,
    D = w[t + 3]!;
  const E = w[t + 4]!,
    F = w[t + 5]!,
    G = w[t + 6]!,
    H = w[t + 7]!;
  const I = w[dst - 1]!,
    J = w[dst - 1 + S]!,
    K = w[dst - 1 + 2 * S]!,
    L = w[dst - 1 + 3 * S]!;
  switch (mode) {
    case B_DC_PRED: {
      const dc = (A + B + C + D + I + J + K + L + 4) >> 3;
      row4(w, dst, dc, dc, dc, dc);
      row4(w, dst + S, dc, dc, dc, dc);
      row4(w, dst + 2 * S, dc, dc, dc, dc);
      row4(w, dst + 3 * S, dc, dc, dc, dc);
      return;
    }
    case B_TM_PRED:
      trueMotion(w, dst, 4);
      return;
    case B_VE_PRED: {
      const a = avg3(X, A, B),
        b = avg3(A, B, C),
        c = avg3(B, C, D),
        d = avg3(C, D, E);
      row4(w, dst, a, b, c, d);
      row4(w, dst + S, a, b, c, d);
      row4(w, dst + 2 * S, a, b, c, d);
      row4(w, dst + 3 * S, a, b, c, d);
      return;
    }
    case B_HE_PRED: {
      const a = avg3(X, I, J),
        b = avg3(I, J, K),
        c = avg3(J, K, L),
        d = avg3(K, L, L);
      row4(w, dst, a, a, a, a);
      row4(w, dst + S, b, b, b, b);
      row4(w, dst + 2 * S, c, c, c, c);
      row4(w, dst + 3 * S, d, d, d, d);
      return;
    }
    case B_RD_PRED: {
      const jkl = avg3(J, K, L),
        ijk = avg3(I, J, K),
        xij = avg3(X, I, J),
        axi = avg3(A, X, I);
      const bax = avg3(B, A, X),
        cba = avg3(C, B, A),
        dcb = avg3(D, C, B);
      row4(w, dst, axi, bax, cba, dcb);
      row4(w, dst + S, xij, axi, bax, cba);
      row4(w, dst + 2 * S, ijk, xij, axi, bax);
      row4(w, dst + 3 * S, jkl, ijk, xij, axi);
      return;
    }
    case B_LD_PRED: {
      const abc = avg3(A, B, C),
        bcd = avg3(B, C, D),
        cde = avg3(C, D, E),
        def = avg3(D, E, F);
      const efg = avg3(E, F, G),
        fgh = avg3(F, G, H),
        ghh = avg3(G, H, H);
      row4(w, dst, abc, bcd, cde, def);
      row4(w, dst + S, bcd, cde, def, efg);
      row4(w, dst + 2 * S, cde, def, efg, fgh);
      row4(w, dst + 3 * S, def, efg, fgh, ghh);
      return;
    }
    case B_VR_PRED: {
      const xa = avg2(X, A),
        ab = avg2(A, B),
        bc = avg2(B, C),
        cd = avg2(C, D);
      const kji = avg3(K, J, I),
        jix = avg3(J, I, X),
        ixa = avg3(I, X, A),
        xab = avg3(X, A, B);
      const abc = avg3(A, B, C),
        bcd = avg3(B, C, D);
      row4(w, dst, xa, ab, bc, cd);
      row4(w, dst + S, ixa, xab, abc, bcd);
      row4(w, dst + 2 * S, jix, xa, ab, bc);
      row4(w, dst + 3 * S, kji, ixa, xab, abc);
      return;
    }
    case B_VL_PRED: {
      const ab = avg2(A, B),
        bc = avg2(B, C),
        cd = avg2(C, D),
        de = avg2(D, E);
      const abc = avg3(A, B, C),
        bcd = avg3(B, C, D),
        cde = avg3(C, D, E),
        def = avg3(D, E, F);
      const efg = avg3(E, F, G),
        fgh = avg3(F, G, H);
      row4(w, dst, ab, bc, cd, de);
      row4(w, dst + S, abc, bcd, cde, def);
      row4(w, dst + 2 * S, bc, cd, de, efg);
      row4(w, dst + 3 * S, bcd, cde, def, fgh);
      return;
    }
    case B_HD_PRED: {
      const ix = avg2(I, X),
        ji = avg2(J, I),
        kj = avg2(K, J),
        lk = avg2(L, K);
      const abc = avg3(A, B, C),
        xab = avg3(X, A, B),
        ixa = avg3(I, X, A),
        jix = avg3(J, I, X);
      const kji = avg3(K, J, I),
        lkj = avg3(L, K, J);
      row4(w, dst, ix, ixa, xab, abc);
      row4(w, dst + S, ji, jix, ix, ixa);
      row4(w, dst + 2 * S, kj, kji, ji, jix);
      row4(w, dst + 3 * S, lk, lkj, kj, kji);
      return;
    }
    default: {
      // B_HU_PRED
      const ij = avg2(I, J),
        jk = avg2(J, K),
        kl = avg2(K, L);
      const ijk = avg3(I, J, K),
        jkl = avg3(J, K, L),
        kll = avg3(K, L, L);
      row4(w, dst, ij, ijk, jk, jkl);
      row4(w, dst + S, jk, jkl, kl, kll);
      row4(w, dst + 2 * S, kl, kll, L, L);
      row4(w, dst + 3 * S, L, L, L, L);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Loop filters (RFC 6386 15). `p` is the first pixel past the edge (q0); `step` crosses the edge,
// `along` moves along it. Thresholds are pre-doubled: 4·|p0−q0| + |p1−q1| ≤ 2·limit + 1 is the
// spec's |p0−q0|·2 + |p1−q1|/2 ≤ limit in integers.

const clampS8 = (v: number): number => (v < -128 ? -128 : v > 127 ? 127 : v);
const clampS5 = (v: number): number => (v < -16 ? -16 : v > 15 ? 15 : v);

/** The simple filter over `count` pixels of an edge (luma only). */
export function simpleFilter(
  buf: Uint8ClampedArray,
  p: number,
  step: number,
  along: number,
  count: number,
  thresh2: number,
): void {
  for (let i = 0; i < count; i++, p += along) {
    const p1 = buf[p - 2 * step]!,
      p0 = buf[p - step]!,
      q0 = buf[p]!,
      q1 = buf[p + step]!;
    if (4 * Math.abs(p0 - q0) + Math.abs(p1 - q1) > thresh2) continue;
    const a = 3 * (q0 - p0) + clampS8(p1 - q1);
    buf[p - step] = p0 + clampS5((a + 3) >> 3);
    buf[p] = q0 - clampS5((a + 4) >> 3);
  }
}

/**
 * The normal filter over `count` pixels of an edge: on macroblock edges (`macroblockEdge`) it
 * adjusts up to 3 pixels each side, on inner subblock edges 2; where the edge variance is high,
 * only the pixel each side of it.
 */
export function normalFilter(
  buf: Uint8ClampedArray,
  p: number,
  step: number,
  along: number,
  count: number,
  thresh2: number,
  interior: number,
  hevThresh: number,
  macroblockEdge: boolean,
): void {
  for (let i = 0; i < count; i++, p += along) {
    const p3 = buf[p - 4 * step]!,
      p2 = buf[p - 3 * step]!,
      p1 = buf[p - 2 * step]!,
      p0 = buf[p - step]!;
    const q0 = buf[p]!,
      q1 = buf[p + step]!,
      q2 = buf[p + 2 * step]!,
      q3 = buf[p + 3 * step]!;
    if (4 * Math.abs(p0 - q0) + Math.abs(p1 - q1) > thresh2) continue;
    if (
      Math.abs(p3 - p2) > interior ||
      Math.abs(p2 - p1) > interior ||
      Math.abs(p1 - p0) > interior ||
      Math.abs(q3 - q2) > interior ||
      Math.abs(q2 - q1) > interior ||
      Math.abs(q1 - q0) > interior
    )
      continue;
    if (Math.abs(p1 - p0) > hevThresh || Math.abs(q1 - q0) > hevThresh) {
      // High edge variance: the common adjustment with the outer taps, on p0 and q0 only.
      const a = 3 * (q0 - p0) + clampS8(p1 - q1);
      buf[p - step] = p0 + clampS5((a + 3) >> 3);
      buf[p] = q0 - clampS5((a + 4) >> 3);
    } else if (macroblockEdge) {
      const a = clampS8(3 * (q0 - p0) + clampS8(p1 - q1));
      const a1 = (27 * a + 63) >> 7;
      const a2 = (18 * a + 63) >> 7;
      const a3 = (9 * a + 63) >> 7;
      buf[p - 3 * step] = p2 + a3;
      buf[p - 2 * step] = p1 + a2;
      buf[p - step] = p0 + a1;
      buf[p] = q0 - a1;
      buf[p + step] = q1 - a2;
      buf[p + 2 * step] = q2 - a3;
    } else {
      const a = 3 * (q0 - p0);
      const a1 = clampS5((a + 4) >> 3);
      const a2 = clampS5((a + 3) >> 3);
      const a3 = (a1 + 1) >> 1;
      buf[p - 2 * step] = p1 + a3;
      buf[p - step] = p0 + a2;
      buf[p] = q0 - a1;
      buf[p + step] = q1 - a3;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// YUV → RGB, as libwebp's VP8YUVToR/G/B (src/dsp/yuv.h): BT.601 limited range in 14-bit fixed
// point, `(v * coefficient) >> 8` per term, then >> 6 and clamped.

const Y_TERM = Int32Array.from({ length: 256 }, (_, y) => (y * 19077) >> 8);
const V_TO_R = Int32Array.from({ length: 256 }, (_, v) => ((v * 26149) >> 8) - 14234);
const U_TO_G = Int32Array.from({ length: 256 }, (_, u) => (u * 6419) >> 8);
const V_TO_G = Int32Array.from({ length: 256 }, (_, v) => ((v * 13320) >> 8) - 8708);
const U_TO_B = Int32Array.from({ length: 256 }, (_, u) => ((u * 33050) >> 8) - 17685);

/**
 * One RGBA output row from its luma row and two chroma rows, by libwebp's "fancy" upsampler
 * (src/dsp/upsampling.c): each chroma sample sits between two luma rows and two luma columns, and
 * a pixel's chroma is 9:3:3:1 of the four nearest samples. `near` is the chroma row on the
 * pixel's side (weight 3 of 4 vertically), `far` the other one (the same row at the picture's
 * top and bottom). Horizontally the first pixel, and the last of an even width, take 3:1 of the
 * nearest two rows' samples only, as libwebp's do.
 */
export function upsampleRow(
  yPlane: Uint8ClampedArray,
  yAt: number,
  uPlane: Uint8ClampedArray,
  vPlane: Uint8ClampedArray,
  near: number,
  far: number,
  out: Uint8ClampedArray,
  o: number,
  width: number,
): void {
  let nu = uPlane[near]!,
    fu = uPlane[far]!,
    nv = vPlane[near]!,
    fv = vPlane[far]!;
  {
    const u = (3 * nu + fu + 2) >> 2;
    const v = (3 * nv + fv + 2) >> 2;
    const y = Y_TERM[yPlane[yAt]!]!;
    out[o] = (y + V_TO_R[v]!) >> 6;
    out[o + 1] = (y - U_TO_G[u]! - V_TO_G[v]!) >> 6;
    out[o + 2] = (y + U_TO_B[u]!) >> 6;
    out[o + 3] = 255;
  }
  const pairs = (width - 1) >> 1;
  for (let x = 1; x <= pairs; x++) {
    const nu1 = uPlane[near + x]!,
      fu1 = uPlane[far + x]!,
      nv1 = vPlane[near + x]!,
      fv1 = vPlane[far + x]!;
    const au = nu + nu1 + fu + fu1 + 8;
    const av = nv + nv1 + fv + fv1 + 8;
    const u0 = (((au + 2 * (nu1 + fu)) >> 3) + nu) >> 1;
    const u1 = (((au + 2 * (nu + fu1)) >> 3) + nu1) >> 1;
    const v0 = (((av + 2 * (nv1 + fv)) >> 3) + nv) >> 1;
    const v1 = (((av + 2 * (nv + fv1)) >> 3) + nv1) >> 1;
    const q = o + (2 * x - 1) * 4;
    const ya = Y_TERM[yPlane[yAt + 2 * x - 1]!]!;
    out[q] = (ya + V_TO_R[v0]!) >> 6;
    out[q + 1] = (ya - U_TO_G[u0]! - V_TO_G[v0]!) >> 6;
    out[q + 2] = (ya + U_TO_B[u0]!) >> 6;
    out[q + 3] = 255;
    const yb = Y_TERM[yPlane[yAt + 2 * x]!]!;
    out[q + 4] = (yb + V_TO_R[v1]!) >> 6;
    out[q + 5] = (yb - U_TO_G[u1]! - V_TO_G[v1]!) >> 6;
    out[q + 6] = (yb + U_TO_B[u1]!) >> 6;
    out[q + 7] = 255;
    nu = nu1;
    fu = fu1;
    nv = nv1;
    fv = fv1;
  }
  if ((width & 1) === 0) {
    const u = (3 * nu + fu + 2) >> 2;
    const v = (3 * nv + fv + 2) >> 2;
    const q = o + (width - 1) * 4;
    const y = Y_TERM[yPlane[yAt + width - 1]!]!;
    out[q] = (y + V_TO_R[v]!) >> 6;
    out[q + 1] = (y - U_TO_G[u]! - V_TO_G[v]!) >> 6;
    out[q + 2] = (y + U_TO_B[u]!) >> 6;
    out[q + 3] = 255;
  }
}
