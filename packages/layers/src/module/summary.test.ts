import { Rng, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from '../dense/dropout.js';
import { Linear } from '../dense/linear.js';
import type { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialFullConvolution } from '../spatial/spatial-full-convolution.js';
import { smallNet } from '../testing/networks.js';
import { summary } from './summary.js';

describe('summary', () => {
  it('summarises output shapes and parameter counts without touching running statistics or dropout', () => {
    const net = smallNet().add(new Dropout(0.5, new Rng(1)));
    const bn = net.get(1) as SpatialBatchNormalization;
    const before = Array.from(bn.runningMean.data);
    const rngBefore = (net.get(8) as Dropout).rng.getState();
    const text = summary(net, [2, 3, 4, 4]);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^Module\s+Output shape\s+Parameters\s+MACs$/);
    expect(lines[1]).toMatch(/^Sequential\s+\[2, 3\]\s+\d+/);
    expect(text).toContain('(0) SpatialConvolution(3 -> 4, 3x3, 1,1, 1,1)');
    // 2·4·4·4 outputs, each a dot product of 3·3·3 weights with the input.
    expect(lines.find((l) => l.includes('(0) SpatialConvolution'))).toMatch(/\[2, 4, 4, 4\]\s+112\s+3,456$/);
    expect(lines.find((l) => l.startsWith('    (0) ConcatTable'))).toMatch(/\{\[2, 4, 4, 4\], \[2, 4, 4, 4\]\}/);
    expect(lines.find((l) => l.includes('(6) View'))).toMatch(/\[2, 4\]\s+0\s+0$/);
    // The whole network: the sum of its convolutions' and linear layers' products.
    const macs = net
      .namedModules()
      .map(([, m]) => m.multiplyAccumulates())
      .reduce((a, b) => a + b, 0);
    expect(macs).toBeGreaterThan(3456);
    expect(lines[1]).toMatch(new RegExp(`\\s${macs.toLocaleString('en-US')}$`));
    expect(lines[lines.length - 1]).toBe(
      `input [2, 3, 4, 4]; ${net.parameterCount().toLocaleString('en-US')} trainable parameters, 24 buffer values, ${macs.toLocaleString('en-US')} multiply-accumulates`,
    );
    expect(Array.from(bn.runningMean.data)).toEqual(before);
    expect((net.get(8) as Dropout).rng.getState()).toEqual(rngBefore);
    expect(net.isTraining).toBe(true);
  });

  it('counts the multiply-accumulates of linear layers and transposed convolutions by hand', () => {
    const linear = new Linear(5, 3);
    linear.forward(zeros([4, 5]));
    expect(linear.multiplyAccumulates()).toBe(4 * 5 * 3);
    // 2 input planes of 3×3, stride 2: each of the 18 input values meets 4·2·2 weights.
    const full = new SpatialFullConvolution(2, 4, 2, 2, 2, 2);
    full.forward(zeros([1, 2, 3, 3]));
    expect(full.output).toHaveProperty('shape', [1, 4, 6, 6]);
    expect(full.multiplyAccumulates()).toBe(18 * 16);
    expect(new Linear(5, 3).multiplyAccumulates()).toBe(0); // no forward pass yet
  });
});
