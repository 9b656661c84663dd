/** Where the page finds the 10,000 embedded MNIST digits (gzipped IDX files, written by vite/files.ts). */
export const DIGIT_FILES = {
  images: 'data/mnist-images.idx.gz',
  labels: 'data/mnist-labels.idx.gz',
} as const;
