/**
 * The geometry block of a convolution, shared by the direct kernels (conv.ts) and the Winograd
 * ones (winograd.ts). Not exported from the module: JS writes the block, kernels read it.
 */

/**
 * The geometry of one convolution, written by JS as 13 consecutive i32 at the start of a block
 * of 32 (an @unmanaged class is a typed view of raw memory, not an allocated object).
 */
@unmanaged export class ConvShape {
  N: i32;
  C: i32;
  H: i32;
  W: i32;
  O: i32;
  kH: i32;
  kW: i32;
  sH: i32;
  sW: i32;
  pH: i32;
  pW: i32;
  Ho: i32;
  Wo: i32;
}

/**
 * Writes the geometry of the convolution that computes dx as a forward pass: dy convolved
 * with the flipped filter, stride 1, padding k − 1 − pad, channels swapped.
 */
function transposedShape(g: ConvShape, t: ConvShape): void {
  t.N = g.N;
  t.C = g.O;
  t.H = g.Ho;
  t.W = g.Wo;
  t.O = g.C;
  t.kH = g.kH;
  t.kW = g.kW;
  t.sH = 1;
  t.sW = 1;
  t.pH = g.kH - 1 - g.pH;
  t.pW = g.kW - 1 - g.pW;
  t.Ho = g.H;
  t.Wo = g.W;
}

/**
 * The transposed geometry lives in the second half of the 32-i32 geometry block JS passes
 * (the first half is the convolution itself), so that sizing and running agree on it.
 */
@inline export function transposedOf(gp: usize): ConvShape {
  const t = changetype<ConvShape>(gp + 64);
  transposedShape(changetype<ConvShape>(gp), t);
  return t;
}
