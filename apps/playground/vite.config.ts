import { defineConfig } from 'vite';
import { playgroundFiles } from './vite/files.js';

/**
 * The two headers that make the page cross-origin isolated, so that funt's kernels can share
 * memory with Web Workers (threads). `vite` and `vite preview` send them; a static host that
 * cannot set headers gets them from the service worker index.html loads (coi-serviceworker).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  // Relative URLs: the built page works from any folder of a static host (GitHub Pages serves /<repo>/).
  base: './',
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  // ES-module workers: the training worker starts funt's kernel workers (nested workers).
  worker: { format: 'es' },
  build: { target: 'es2022' },
  plugins: [playgroundFiles()],
});
