import { setThreads, threadLimit, threadsReady } from '@funt/tensor';

/** Sets the kernels' thread count (0: all the page may use) and waits for the workers. */
export async function useThreads(threads: number): Promise<void> {
  const limit = threadLimit();
  const wanted = threads > 0 ? threads : limit.threads === 1 ? 1 : navigatorThreads();
  setThreads(Math.min(wanted, limit.threads));
  await threadsReady();
}

export function navigatorThreads(): number {
  return Math.max(
    1,
    (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1,
  );
}
