import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** The lock file of a run folder: it holds the process id of the command writing the folder. */
export const LOCK_FILE = '.lock';

/** Whether a process with this id runs (one of another user counts: it exists). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the run folder for this process: creates its lock file exclusively (O_EXCL, so two
 * commands started at once cannot both succeed) with this process's id. A lock left by a
 * process that no longer runs (killed, crashed) is stale and taken over. Returns the function
 * that releases the lock; the lock also goes when the process exits.
 */
export function lockRunFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        rmSync(path, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(path);
    if (owner !== null && owner !== process.pid && alive(owner)) {
      throw new UsageError(
        `run folder ${dir} is in use by process ${owner} (lock file ${path}; delete it if that process is not funt-resnet)`,
      );
    }
    // Stale: its owner is gone (or the file is unreadable, as a write cut short leaves it).
    rmSync(path, { force: true });
  }
  throw new UsageError(`run folder ${dir}: could not take the lock file ${path}`);
}

function readOwner(path: string): number | null {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
