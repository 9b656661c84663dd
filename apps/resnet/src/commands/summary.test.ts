import { describe, expect, it } from 'vitest';
import { programHarness } from '../testing/program.js';
import { summaryCommand } from './summary.js';

describe('summary', () => {
  it("prints ResNet-20's layers, its 269,722 parameters and its multiply-accumulates counted by hand", () => {
    const lines: string[] = [];
    const text = summaryCommand(
      { n: 3, filters: 16, skip: true, hidden: [], inputShape: [3, 32, 32], classes: 10 },
      (l) => lines.push(l),
    );
    expect(lines).toEqual([text]);
    // Per image: the stem (3→16 on 32×32), six 16→16 convolutions on 32×32, then per later
    // stage a strided convolution and five more at a quarter of the positions, and the classifier.
    const macs =
      32 * 32 * 16 * 27 +
      6 * 32 * 32 * 16 * 144 +
      16 * 16 * 32 * 144 +
      5 * 16 * 16 * 32 * 288 +
      8 * 8 * 64 * 288 +
      5 * 8 * 8 * 64 * 576 +
      64 * 10;
    expect(text.split('\n')[0]).toBe('ResNet-20 (n=3, F=16) for 3×32×32 images, 10 classes');
    expect(text).toMatch(/^Module\s+Output shape\s+Parameters\s+MACs$/m);
    expect(text).toMatch(/\(14\) Linear\(64 -> 10\)\s+\[1, 10\]\s+650\s+640$/m);
    expect(text.split('\n').at(-1)).toBe(
      `input [1, 3, 32, 32]; 269,722 trainable parameters, 1,376 buffer values, ${macs.toLocaleString('en-US')} multiply-accumulates per image`,
    );
  });

  it('funt-resnet summary: the architecture flags, with the defaults of train', async () => {
    const h = programHarness();
    expect(await h.run(['summary', '--n', '3'])).toBe(0);
    expect(await h.run(['summary', '--n', '1', '--filters', '8', '--no-skip', '--input-shape', '1,28,28'])).toBe(0);
    expect(h.calls.map((c) => c.args[0])).toEqual([
      { n: 3, filters: 16, skip: true, hidden: [], inputShape: [3, 32, 32], classes: 10 },
      { n: 1, filters: 8, skip: false, hidden: [], inputShape: [1, 28, 28], classes: 10 },
    ]);
    expect(await h.run(['summary', '--input-shape', '32,32'])).toBe(2);
    expect(h.err()).toMatch(/expected channels,height,width \(e\.g\. 3,32,32\), got '32,32'/);
  });
});
