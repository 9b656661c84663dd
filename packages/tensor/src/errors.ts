/** Shapes print as `[2, 3, 4]` in every error so that users can grep for them. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Thrown when an op receives tensors whose shapes it cannot work with. The message names the
 * op and every shape involved, e.g. `matmul: inner sizes differ: a [2, 3] vs b [4, 5]`.
 */
export class ShapeError extends Error {
  readonly op: string;
  readonly shapes: readonly (readonly number[])[];
  constructor(op: string, detail: string, shapes: readonly (readonly number[])[] = []) {
    super(`${op}: ${detail}`);
    this.name = 'ShapeError';
    this.op = op;
    this.shapes = shapes;
  }
}

/** Thrown when a tensor is used after `dispose()`. */
export class DisposedError extends Error {
  constructor(op: string) {
    super(`${op}: tensor was disposed`);
    this.name = 'DisposedError';
  }
}
