/**
 * The two headers that make a page cross-origin isolated, so that funt's kernels can share
 * memory with Web Workers (threads). `vite` and `vite preview` send them (vite.config.ts), and
 * so do the tests' and the benchmark's servers; a static host that cannot set headers gets them
 * from the service worker index.html loads (coi-serviceworker).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
