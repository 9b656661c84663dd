import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/**
 * The lock file of a run folder: it names the command writing the folder, as three lines:
 * process id, the process's start time (Linux clock ticks since boot, empty where /proc is
 * missing) and host name.
 */
export const LOCK_FILE = '.lock';

/** Who holds a lock: enough to tell a live owner from a dead one whose process id was reused. */
export interface LockOwner {
  pid: number;
  /** Start time of the process (field 22 of /proc/<pid>/stat), or null where unknown. */
  start: string | null;
  host: string | null;
}

/** The start time of process `pid` (Linux), or null where it cannot be read. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** This process as a lock owner. */
function me(): LockOwner {
  return { pid: process.pid, start: processStart(process.pid), host: hostname() };
}

function formatOwner(o: LockOwner): string {
  return `${o.pid}\n${o.start ?? ''}\n${o.host ?? ''}\n`;
}

/** Parses a lock file's text; null for an empty or cut-short file (a write cut short). */
export function parseOwner(text: string): LockOwner | null {
  const [pidLine, startLine = '', hostLine = ''] = text.split('\n');
  const pid = Number.parseInt(pidLine, 10);
  if (!Number.isInteger(pid) || pid <= 0 || String(pid) !== pidLine.trim()) return null;
  return { pid, start: startLine.trim() || null, host: hostLine.trim() || null };
}

function sameOwner(a: LockOwner | null, b: LockOwner | null): boolean {
  return a !== null && b !== null && a.pid === b.pid && a.start === b.start && a.host === b.host;
}

/**
 * Whether the lock's owner still runs. A process id that exists but started at another time
 * than the one recorded is a reused id, not the owner. A lock of another host cannot be checked
 * from here and counts as live.
 */
export function ownerAlive(owner: LockOwner): boolean {
  if (owner.host !== null && owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: a process of another user has this id: it exists.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.start === null) return true;
  const start = processStart(owner.pid);
  return start === null || start === owner.start;
}

function readOwner(path: string): LockOwner | null {
  try {
    return parseOwner(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
}

function inUse(dir: string, path: string, owner: LockOwner): UsageError {
  const where = owner.host !== null && owner.host !== hostname() ? ` on host ${owner.host}` : '';
  return new UsageError(
    `run folder ${dir} is in use by process ${owner.pid}${where} (lock file ${path}; delete it if that process is not funt-resnet)`,
  );
}

/**
 * Removes the lock file at `path` if it still holds `stale` (the owner judged dead). The file
 * is first renamed aside, which only one of two processes racing for the same stale lock can
 * do; if what was renamed turns out to be another process's fresh lock (it took the stale one
 * over in between), it is linked back (link, unlike rename, never replaces a file). Returns
 * false when the lock had been taken by someone else.
 */
export function removeStaleLock(path: string, stale: LockOwner | null): boolean {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    // Gone already: another process removed it; creating it again decides.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw e;
  }
  const moved = readOwner(aside);
  if (moved === null || sameOwner(moved, stale)) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, path);
  } catch {
    // A third process created the lock meanwhile: it holds the folder now.
  }
  rmSync(aside, { force: true });
  return false;
}

/**
 * Takes the run folder for this process: creates its lock file exclusively (O_EXCL, so two
 * commands started at once cannot both succeed) naming this process. A lock left by a process
 * that no longer runs (killed, crashed, or whose id now belongs to another process) is stale
 * and taken over. Returns the function that releases the lock; the lock also goes when the
 * process exits.
 */
export function lockRunFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const self = me();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, formatOwner(self), { flag: 'wx' });
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        // Only our own lock: never delete one another process took over.
        if (sameOwner(readOwner(path), self)) rmSync(path, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(path);
    if (owner !== null && owner.pid !== process.pid && ownerAlive(owner)) throw inUse(dir, path, owner);
    // Stale: its owner is gone (or the file is unreadable, as a write cut short leaves it).
    if (!removeStaleLock(path, owner)) {
      const taker = readOwner(path);
      if (taker !== null) throw inUse(dir, path, taker);
    }
  }
  throw new UsageError(`run folder ${dir}: could not take the lock file ${path}`);
}
