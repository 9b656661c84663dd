import type { AddressInfo } from 'node:net';
import { type PreviewServer, preview } from 'vite';
import { ISOLATION_HEADERS } from '../../vite/isolation.js';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a built folder on a free port of 127.0.0.1 (Vite's preview server), with the
 * cross-origin-isolation headers as `vite preview` sends them, or, `isolated: false`, without
 * any, as a static host like GitHub Pages serves it.
 */
export async function serveBuilt(outDir: string, { isolated }: { isolated: boolean }): Promise<StaticServer> {
  const server: PreviewServer = await preview({
    configFile: false,
    root: outDir,
    base: './',
    logLevel: 'silent',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, headers: isolated ? ISOLATION_HEADERS : {} },
  });
  const { port } = server.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => server.close(),
  };
}
