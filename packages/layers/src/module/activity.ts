import type { Tensor } from '@funt/tensor';

/**
 * What flows between modules: a tensor, or a table (list) of tensors as produced by
 * `ConcatTable` and consumed by `CAddTable` and `Parallel`-style containers.
 */
export type Activity = Tensor | Tensor[];
