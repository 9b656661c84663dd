import type { Rng, Tensor } from '@funt/tensor';

/**
 * Weight initialisers. Each fills a tensor in place from a seeded `Rng`, given the fan-in and
 * fan-out of the layer that owns it (the module knows them: a convolution's fan-in is
 * nIn·kH·kW). All draw on the CPU through `tensor.data`, which is a view for every backend.
 */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

/**
 * Fills `t` in place from `rng`, scaled by the fans of the layer that owns it (`init.kaimingNormal`,
 * `init.torchDefault`, …); `InitOptions` passes one to `reset`.
 */
export type Initializer = (t: Tensor, fans: Fans, rng: Rng) => void;

/** Torch's `reset()`: uniform in ±1/√fanIn (weights and biases alike). */
export function torchDefault(t: Tensor, fans: Fans, rng: Rng): void {
  const bound = 1 / Math.sqrt(fans.fanIn);
  rng.fillUniform(t.data, -bound, bound);
}

/** He et al. 2015: normal with std = gain/√fanIn; gain √2 suits ReLU. */
export function kaimingNormal(t: Tensor, fans: Fans, rng: Rng, gain = Math.SQRT2): void {
  rng.fillNormal(t.data, 0, gain / Math.sqrt(fans.fanIn));
}

/** He et al. 2015, uniform: bound = gain·√(3/fanIn), the same variance as kaimingNormal. */
export function kaimingUniform(t: Tensor, fans: Fans, rng: Rng, gain = Math.SQRT2): void {
  const bound = gain * Math.sqrt(3 / fans.fanIn);
  rng.fillUniform(t.data, -bound, bound);
}

/** Glorot & Bengio 2010: uniform with bound = gain·√(6/(fanIn+fanOut)). */
export function xavierUniform(t: Tensor, fans: Fans, rng: Rng, gain = 1): void {
  const bound = gain * Math.sqrt(6 / (fans.fanIn + fans.fanOut));
  rng.fillUniform(t.data, -bound, bound);
}

/** Glorot & Bengio 2010: normal with std = gain·√(2/(fanIn+fanOut)). */
export function xavierNormal(t: Tensor, fans: Fans, rng: Rng, gain = 1): void {
  rng.fillNormal(t.data, 0, gain * Math.sqrt(2 / (fans.fanIn + fans.fanOut)));
}

/** Every element `value`: `constant(0)` for biases, `constant(1)` for batch norm's γ = 1. */
export function constant(value: number): Initializer {
  return (t) => {
    t.data.fill(value);
  };
}

/** How `reset` initialises a module's parameters; every field is optional. */
export interface InitOptions {
  /** Where random numbers come from (default: the package generator, see `manualSeed`). */
  rng?: Rng;
  /** For weights (default: `torchDefault`). */
  weight?: Initializer;
  /** For biases (default: `torchDefault`, as Torch does). */
  bias?: Initializer;
  /** For batch norm's scale γ (default: Torch's uniform in [0, 1); `constant(1)` gives the common γ = 1). Its shift β starts at 0. */
  normWeight?: Initializer;
}

/** Torch's batch-norm scale initialisation: uniform in [0, 1). */
export function uniformUnit(t: Tensor, _fans: Fans, rng: Rng): void {
  rng.fillUniform(t.data, 0, 1);
}
