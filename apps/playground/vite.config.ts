import { defineConfig } from 'vite';
import { playgroundFiles } from './vite/files.js';
import { ISOLATION_HEADERS } from './vite/isolation.js';

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
