import { Tensor, zeros } from '@funt/tensor';
import type { Activity } from './activity.js';
import { describeShape } from './errors.js';
import type { Module } from './module.js';

/**
 * A table of the tree under `root`, one module a line indented by depth, with its output shape,
 * the parameters it holds and the multiply-accumulates of its forward pass on `inputShape` (a
 * container: its subtree's totals), like Keras' `model.summary()`. The shapes come from one
 * forward pass on zeros of `inputShape` in evaluation mode (so batch norm's running statistics
 * and dropout's generator are untouched); every module's mode is restored after it.
 */
export function summary(root: Module, inputShape: readonly number[]): string {
  const modules = root.namedModules();
  const modes = modules.map(([, m]) => m.isTraining);
  const dtype = root.parameters()[0]?.value.dtype;
  const input = zeros(inputShape, dtype);
  try {
    root.evaluate();
    root.forward(input);
  } finally {
    modules.forEach(([, m], i) => (m.isTraining = modes[i]));
  }

  const count = (n: number) => n.toLocaleString('en-US');
  const rows: string[][] = [['Module', 'Output shape', 'Parameters', 'MACs']];
  for (const [path, m] of modules) {
    const depth = path === '' ? 0 : path.split('.').length;
    const label = `${'  '.repeat(depth)}${path === '' ? '' : `(${path.split('.').pop()}) `}${m.toStringShort()}`;
    rows.push([label, shapeText(m.output), count(m.parameterCount()), count(subtreeMacs(m))]);
  }
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map(
    (r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3]}`,
  );
  const buffers = root.buffers().reduce((n, b) => n + b.value.size, 0);
  lines.push(
    `input ${describeShape(inputShape)}; ${count(root.parameterCount())} trainable parameters, ${count(buffers)} buffer values, ${count(subtreeMacs(root))} multiply-accumulates`,
  );
  input.dispose();
  return lines.join('\n');
}

/** The multiply-accumulates of a module and everything under it, in the last forward pass. */
function subtreeMacs(m: Module): number {
  return m.namedModules().reduce((n, [, child]) => n + child.multiplyAccumulates(), 0);
}

function shapeText(a: Activity | null): string {
  if (a === null) return '-';
  return a instanceof Tensor ? describeShape(a.shape) : describeShape(a.map((t) => t.shape));
}
