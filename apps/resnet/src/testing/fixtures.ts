import { fileURLToPath } from 'node:url';

/** A file of apps/resnet/test-fixtures (PyTorch weights and outputs; see scripts/pytorch). */
export const fixture = (name: string): string => fileURLToPath(new URL(`../../test-fixtures/${name}`, import.meta.url));
