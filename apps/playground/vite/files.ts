import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { loadEmbeddedMnistDigits } from '@funt/datasets';
import type { Plugin } from 'vite';
import { DIGIT_FILES } from '../src/digit-files.js';

/**
 * The files the page loads that are not modules: the 10,000 embedded MNIST digits and the
 * cross-origin-isolation service worker. They are made from installed packages (the `mnist`
 * digits through @funt/datasets, `coi-serviceworker`), served by the dev server and emitted by
 * `vite build`, so the repository holds no generated copy of either.
 */
export function playgroundFiles(): Plugin {
  const files = new Map<string, () => Uint8Array>([
    [DIGIT_FILES.images, () => gzipSync(idx([10_000, 28, 28], digits().images), { level: 9 })],
    [DIGIT_FILES.labels, () => gzipSync(idx([10_000], Uint8Array.from(digits().labels)), { level: 9 })],
    [SERVICE_WORKER, () => readFileSync(require.resolve('coi-serviceworker/coi-serviceworker.min.js'))],
  ]);
  const made = new Map<string, Uint8Array>();
  const file = (name: string): Uint8Array => {
    let bytes = made.get(name);
    if (!bytes) made.set(name, (bytes = (files.get(name) as () => Uint8Array)()));
    return bytes;
  };
  return {
    name: 'funt-playground-files',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0].replace(/^\//, '') ?? '';
        if (!files.has(name)) return next();
        res.setHeader('Content-Type', name.endsWith('.js') ? 'text/javascript' : 'application/octet-stream');
        res.end(file(name));
      });
    },
    generateBundle() {
      for (const name of files.keys()) this.emitFile({ type: 'asset', fileName: name, source: file(name) });
    },
  };
}

/** The service worker's file name; index.html loads it as a classic script. */
const SERVICE_WORKER = 'coi-serviceworker.js';

const require = createRequire(import.meta.url);

function digits(): { images: Uint8Array; labels: Int32Array } {
  const set = loadEmbeddedMnistDigits();
  return { images: set.images as Uint8Array, labels: set.labels };
}

/** An IDX file of unsigned bytes (the MNIST format, which @funt/datasets parses): 00 00 08 rank, big-endian dims, values. */
function idx(dims: number[], values: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  out.set(values, 4 + 4 * dims.length);
  return out;
}
