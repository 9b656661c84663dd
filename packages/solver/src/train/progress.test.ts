import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Solver } from '../solver.js';
import { blobData, linearClassifier, nll } from '../testing/models.js';

describe('Solver progress output', () => {
  const data = blobData(30, 15, 3, [4]);

  it('prints plain lines when the stream is not a TTY', async () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c) => (text += c));
    const solver = new Solver(linearClassifier(4, 3), nll(), data, {
      batchSize: 10,
      numEpochs: 2,
      progress: 'auto',
      printEvery: 2,
      stream: out,
      handleSignals: false,
    });
    await solver.train();
    expect(text).toMatch(/^\(epoch 1\/2, iteration 2\/3\) loss \d+\.\d{4}, lr 0\.0100, [\d.]+ img\/s$/m);
    expect(text).toMatch(/^\(epoch 1\/2, iteration 3\/3\) loss/m);
    expect(text).toMatch(
      /^epoch 2\/2: train acc [\d.]+% \(top-5 [\d.]+%\), val acc [\d.]+% \(top-5 [\d.]+%\), mean loss [\d.]+, [\d.]+ img\/s, lr 0\.0100, [\d.]+ s$/m,
    );
    expect(text).not.toContain('\x1b['); // no terminal escapes
  });

  it('draws a progress bar with loss, accuracy, images/s and ETA on a TTY', async () => {
    const out = Object.assign(new PassThrough(), { isTTY: true, columns: 160 });
    let text = '';
    out.on('data', (c) => (text += c));
    const solver = new Solver(linearClassifier(4, 3), nll(), data, {
      batchSize: 10,
      numEpochs: 2,
      stream: out,
      handleSignals: false,
    });
    await solver.train();
    expect(text).toMatch(/epoch 1\/2 \[[^\]]*\] \d\/3 \| loss \d+\.\d{4} \| val acc - \| [\d.]+ img\/s \| ETA /);
    expect(text).toMatch(/epoch 2\/2 \[[^\]]*\] \d\/3 \| loss [\d.]+ \| val acc [\d.]+% /);
    expect(text).toMatch(/epoch 1\/2: train acc/);
  });
});
