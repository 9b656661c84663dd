import { Tensor, zeros } from '@funt/tensor';
import type { Activity } from './activity.js';
import { describeShape } from './errors.js';
import type { Module } from './module.js';

/**
 * A table of the tree under `root`, one module a line indented by depth, with its output shape
 * and the parameters it holds (its subtree's total for a container). The shapes come from one
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

  const rows: [string, string, string][] = [['Module', 'Output shape', 'Parameters']];
  for (const [path, m] of modules) {
    const depth = path === '' ? 0 : path.split('.').length;
    const label = `${'  '.repeat(depth)}${path === '' ? '' : `(${path.split('.').pop()}) `}${m.toStringShort()}`;
    rows.push([label, shapeText(m.output), m.parameterCount().toLocaleString('en-US')]);
  }
  const widths = [0, 1].map((c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`);
  const buffers = root.buffers().reduce((n, b) => n + b.value.size, 0);
  lines.push(
    `input ${describeShape(inputShape)}; ${root.parameterCount().toLocaleString('en-US')} trainable parameters, ${buffers.toLocaleString('en-US')} buffer values`,
  );
  input.dispose();
  return lines.join('\n');
}

function shapeText(a: Activity | null): string {
  if (a === null) return '-';
  return a instanceof Tensor ? describeShape(a.shape) : describeShape(a.map((t) => t.shape));
}
