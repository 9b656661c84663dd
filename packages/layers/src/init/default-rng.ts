import { Rng } from '@funt/tensor';

let packageRng = new Rng(0);

/**
 * The generator used by modules built or reset without an explicit `rng`, so that building
 * the same network twice in a fresh process gives the same weights (Torch's manualSeed).
 */
export function defaultRng(): Rng {
  return packageRng;
}

/** Reseeds the package generator (`torch.manualSeed`). */
export function manualSeed(seed: number): void {
  packageRng = new Rng(seed);
}
