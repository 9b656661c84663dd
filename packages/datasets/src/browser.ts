/**
 * @funt/datasets in a browser: image sets, the byte-level formats (IDX, CIFAR records, PPM),
 * pre-processing and augmentations, as in Node; the loaders that read files and folders are
 * Node's. A page fetches its bytes and parses them (`parseIdx`, `parseCifarBatch`).
 */
export * from './universal.js';
