/**
 * The funt kernels: one file per kernel family, all working on raw byte addresses in the
 * shared linear memory (no managed objects, no allocation). JavaScript owns the memory layout:
 * tensors and kernel scratch are blocks handed out by its allocator above `heapBase()`.
 */
export { gemm, gemmScratchBytes } from './gemm';
export * from './conv';
export * from './winograd';
export * from './elementwise';
export * from './reduce';
export * from './pool';
export * from './batchnorm';
export * from './softmax';

/** First byte after the module's static data: the JS heap allocator starts here. */
export function heapBase(): usize {
  return __heap_base;
}
