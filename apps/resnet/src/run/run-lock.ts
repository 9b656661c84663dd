import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** How long an unreadable lock may be a write in progress, and a takeover file a takeover in progress. */
const SETTLE_MS = 2000;
const STALE_TAKEOVER_MS = 10_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ageMs(path: string): number | null {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * Replaces the stale lock at `path` (held by `stale`, null for an unreadable one) by this
 * process's own, under a second lock file (`.lock.takeover`, created exclusively): of several
 * processes racing for one stale lock, only the holder of the takeover file may delete it, and
 * it deletes it only if it still holds `stale`. Returns true when this process holds the lock,
 * false when another one does or a takeover is in progress (try again).
 */
export function takeOverStaleLock(path: string, stale: LockOwner | null, self: LockOwner): boolean {
  const takeover = `${path}.takeover`;
  try {
    writeFileSync(takeover, formatOwner(self), { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    // Left by a process that died while taking over (a window of microseconds): clear it.
    const age = ageMs(takeover);
    if (age !== null && age > STALE_TAKEOVER_MS) rmSync(takeover, { force: true });
    return false;
  }
  try {
    const now = readOwner(path);
    if (now === null ? stale !== null : !sameOwner(now, stale)) return false;
    rmSync(path, { force: true });
    writeFileSync(path, formatOwner(self), { flag: 'wx' });
    return true;
  } catch (e) {
    // Another process created the lock between the delete and this create: it holds it.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(takeover, { force: true });
  }
}

/**
 * Takes the run folder for this process: creates its lock file exclusively (O_EXCL, so two
 * commands started at once cannot both succeed) naming this process. A lock left by a process
 * that no longer runs (killed, crashed, or whose id now belongs to another process) is stale
 * and taken over (takeOverStaleLock); an unreadable one is stale once it is older than a write
 * takes. Returns the function that releases the lock; the lock also goes when the process exits.
 */
export function lockRunFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const self = me();
  const held = () => {
    let holding = true;
    const release = () => {
      if (!holding) return;
      holding = false;
      process.off('exit', release);
      // Only our own lock: never delete one another process took over.
      if (sameOwner(readOwner(path), self)) rmSync(path, { force: true });
    };
    process.on('exit', release);
    return release;
  };
  const deadline = Date.now() + SETTLE_MS + 1000;
  while (Date.now() < deadline) {
    try {
      writeFileSync(path, formatOwner(self), { flag: 'wx' });
      return held();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = readOwner(path);
    if (owner !== null && owner.pid !== process.pid && ownerAlive(owner)) throw inUse(dir, path, owner);
    // An unreadable lock may be another process's write in progress: stale only once it is old.
    const settled = owner !== null || (ageMs(path) ?? 0) > SETTLE_MS;
    if (settled && takeOverStaleLock(path, owner, self)) return held();
    sleep(10);
  }
  throw new UsageError(`run folder ${dir}: could not take the lock file ${path}`);
}
