import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORY_FILES, History } from './history.js';

function sample(): History {
  const h = new History();
  h.iterations.push({ iteration: 1, nImages: 64, loss: 2.25, learningRate: 0.1 });
  h.iterations.push({ iteration: 2, nImages: 100, loss: 1.5, learningRate: 0.1 });
  h.epochs.push({
    epoch: 1,
    trainAcc: 0.5,
    trainTopK: 0.9,
    valAcc: 0.25,
    valTopK: 0.75,
    meanLoss: 1.9,
    imagesPerSecond: 80,
    learningRate: 0.1,
    seconds: 2,
  });
  return h;
}

describe('History', () => {
  it('exports the CSVs exactly as PyFunt wrote them', () => {
    const h = sample();
    expect(h.lossCsv()).toBe('iteration,n_images,loss\n1,64,2.25\n2,100,1.5\n');
    expect(h.trainAccCsv()).toBe('epoch,train_acc\n1,0.5\n');
    expect(h.valAccCsv()).toBe('epoch,val_acc\n1,0.25\n');
    expect(new History().lossCsv()).toBe('iteration,n_images,loss\n');
  });

  it('writes the three CSVs and a JSON file that reads back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'funt-history-'));
    try {
      sample().write(dir);
      expect(fs.readdirSync(dir).sort()).toEqual(Object.values(HISTORY_FILES).sort());
      expect(fs.readFileSync(path.join(dir, HISTORY_FILES.valAcc), 'utf8')).toBe('epoch,val_acc\n1,0.25\n');
      const back = History.fromJSON(JSON.parse(fs.readFileSync(path.join(dir, HISTORY_FILES.json), 'utf8')));
      expect(back.toJSON()).toEqual(sample().toJSON());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses malformed JSON histories', () => {
    expect(() => History.fromJSON({ iterations: [] })).toThrow(
      /expected \{ iterations: \[\.\.\.\], epochs: \[\.\.\.\] \}/,
    );
  });
});
