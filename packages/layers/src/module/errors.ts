import { formatShape } from '@funt/tensor';
import { type ActivityShape, isTableShape } from './activity.js';

/** Anything that can be named in an error: a module or a criterion. */
export interface Named {
  readonly typeName: string;
  readonly path: string;
}

/** A shape, a list of shapes (a table) or a free description such as `[N, 16, H, W]`. */
export type ShapeLike = ActivityShape | string;

export function describeShape(s: ShapeLike): string {
  if (typeof s === 'string') return s;
  return isTableShape(s) ? `{${s.map((x) => formatShape(x)).join(', ')}}` : formatShape(s);
}

/** `SpatialConvolution at '4.0.0'` or `Sequential (root)`: how every layer error starts. */
function describeModule(m: Named): string {
  return m.path === '' ? `${m.typeName} (root)` : `${m.typeName} at '${m.path}'`;
}

/**
 * Thrown when a module gets input it cannot work with (wrong rank, channel count, table
 * length, ...). The message names the module by its path in the container tree, and says
 * what it expected and what it received, e.g.
 * `SpatialConvolution at '4.0.0': expected input [N, 16, H, W], received [8, 32, 16, 16]`.
 */
export class LayerError extends Error {
  readonly path: string;
  readonly module: string;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(m: Named, detail: string, expected?: ShapeLike, received?: ShapeLike, options?: { cause?: unknown }) {
    const parts = [`${describeModule(m)}: ${detail}`];
    if (expected !== undefined) parts.push(`expected ${describeShape(expected)}`);
    if (received !== undefined) parts.push(`received ${describeShape(received)}`);
    super(parts.join(', '), options);
    this.name = 'LayerError';
    this.path = m.path;
    this.module = m.typeName;
    this.expected = expected === undefined ? undefined : describeShape(expected);
    this.received = received === undefined ? undefined : describeShape(received);
  }
}
