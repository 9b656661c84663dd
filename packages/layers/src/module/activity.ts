import { Tensor } from '@funt/tensor';

/**
 * What flows between modules: a tensor, or a table (list) of tensors as produced by
 * `ConcatTable` and consumed by `CAddTable` and `Parallel`-style containers.
 */
export type Activity = Tensor | Tensor[];

/** The shape of an Activity: a tensor's shape, or one shape per entry of a table. */
export type ActivityShape = readonly number[] | readonly (readonly number[])[];

/** The tensors of an activity: the tensor alone, or the table's entries. */
export function tensorsOf(a: Activity): Tensor[] {
  return a instanceof Tensor ? [a] : a;
}

/** Whether `s` describes a table (a list of shapes) rather than one tensor. */
export function isTableShape(s: ActivityShape): s is readonly (readonly number[])[] {
  return s.length > 0 && Array.isArray(s[0]);
}
