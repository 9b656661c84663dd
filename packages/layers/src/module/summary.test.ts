import { Rng } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { Dropout } from '../dense/dropout.js';
import type { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
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
    expect(lines[0]).toMatch(/^Module\s+Output shape\s+Parameters$/);
    expect(lines[1]).toMatch(/^Sequential\s+\[2, 3\]\s+\d+/);
    expect(text).toContain('(0) SpatialConvolution(3 -> 4, 3x3, 1,1, 1,1)');
    expect(lines.find((l) => l.includes('(0) SpatialConvolution'))).toMatch(/\[2, 4, 4, 4\]\s+112$/);
    expect(lines.find((l) => l.startsWith('    (0) ConcatTable'))).toMatch(/\{\[2, 4, 4, 4\], \[2, 4, 4, 4\]\}/);
    expect(lines.find((l) => l.includes('(6) View'))).toMatch(/\[2, 4\]\s+0$/);
    expect(lines[lines.length - 1]).toBe(
      `input [2, 3, 4, 4]; ${net.parameterCount().toLocaleString('en-US')} trainable parameters, 24 buffer values`,
    );
    expect(Array.from(bn.runningMean.data)).toEqual(before);
    expect((net.get(8) as Dropout).rng.getState()).toEqual(rngBefore);
    expect(net.isTraining).toBe(true);
  });
});
