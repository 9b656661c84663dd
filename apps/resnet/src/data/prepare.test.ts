import { loadEmbeddedMnistDigits } from '@funt/datasets';
import { describe, expect, it } from 'vitest';
import { loadData } from './load.js';
import { embeddedMnistData } from './prepare.js';

describe('embeddedMnistData', () => {
  it('prepares the digits it is given (as a page gets them) exactly as loadData does in Node', async () => {
    const all = loadEmbeddedMnistDigits();
    const copy = { ...all, images: all.images.slice(), labels: all.labels.slice() };
    const page = embeddedMnistData(copy, { trainSize: 2000 });
    const node = await loadData({ dataset: 'mnist', trainSize: 2000 });
    for (const split of ['train', 'val', 'test'] as const) {
      expect(page[split].shape, split).toEqual(node[split].shape);
      expect(page[split].labels, split).toEqual(node[split].labels);
      expect(page[split].images, split).toEqual(node[split].images);
    }
    expect(page.standardization).toEqual(node.standardization);
    expect(page.inputShape).toEqual([1, 32, 32]);
    expect(page.description).toBe(node.description);
  });
});
