/**
 * Finds the thread-count setting of @funt/tensor, if the build has one. It looks the setter up
 * by name instead of importing it, so that the same benchmark also measures a build of
 * @funt/tensor without threads (a 1-thread baseline from an older commit).
 */
import * as tensor from '@funt/tensor';

interface ThreadControl {
  /** The export that sets the count ('setThreads', 'setNumThreads'), or null: kernels run on the calling thread. */
  setterName: string | null;
  /**
   * Sets the count and says whether it was applied; waits for a setter that returns a promise
   * and for `threadsReady()` when the build has it (workers started before anything is timed).
   */
  set(threads: number): Promise<boolean>;
}

const SETTERS = ['setThreads', 'setNumThreads'];
const GETTERS = ['getThreads', 'getNumThreads'];

export function threadControl(
  module: Record<string, unknown> = tensor as unknown as Record<string, unknown>,
): ThreadControl {
  const setterName = SETTERS.find((name) => typeof module[name] === 'function') ?? null;
  const getterName = GETTERS.find((name) => typeof module[name] === 'function') ?? null;
  return {
    setterName,
    async set(threads: number): Promise<boolean> {
      if (setterName === null) return threads === 1;
      const result = await (module[setterName] as (n: number) => unknown)(threads);
      if (typeof module.threadsReady === 'function') await (module.threadsReady as () => unknown)();
      if (getterName !== null) return (module[getterName] as () => unknown)() === threads;
      // Without a getter, trust a setter that returned nothing (or true).
      return result === undefined || result === true;
    },
  };
}
