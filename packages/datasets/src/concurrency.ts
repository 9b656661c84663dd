/**
 * Runs `fn` over `items` with at most `limit` calls in flight, and resolves when all are done
 * (or rejects with the first error). Image decoding is asynchronous in sharp's thread pool;
 * a few calls in flight keep the pool busy without queueing tens of thousands of files.
 */
export async function forEachConcurrent<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
