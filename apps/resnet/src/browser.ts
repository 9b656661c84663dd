/**
 * @funt/resnet in a browser: the network, its model file as bytes (`encodeSavedModel`,
 * `decodeSavedModel`), the input pipeline and data preparation, the analyses, the pictures and
 * the training recipes — the parts of the app that run in a page (apps/playground). The
 * commands, data loaders, run folders and reports read and write files and are Node's.
 */
export * from './universal.js';
