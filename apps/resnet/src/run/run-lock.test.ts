import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { LOCK_FILE, lockRunFolder, parseOwner, processStart, takeOverStaleLock } from './run-lock.js';

const scratch = mkdtempSync(join(tmpdir(), 'funt-lock-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let folders = 0;
function folder(lock?: string): string {
  const dir = mkdtempSync(join(scratch, `run${folders++}-`));
  if (lock !== undefined) writeFileSync(join(dir, LOCK_FILE), lock);
  return dir;
}
const lockOf = (dir: string) => parseOwner(readFileSync(join(dir, LOCK_FILE), 'utf8'));
/** Dates a file back by a minute: an old leftover rather than a write in progress. */
const age = (path: string) => utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
/** The id of a process that has ended. */
const deadPid = () =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

const noProc = processStart(process.pid) === null;
if (noProc) console.warn('run-lock: the process-id-reuse test is skipped: /proc/<pid>/stat is not readable here');

describe('the lock of a run folder', () => {
  it('names this process, its start time and host, and goes on release', () => {
    const dir = folder();
    const release = lockRunFolder(dir);
    const owner = lockOf(dir);
    expect(owner?.pid).toBe(process.pid);
    expect(owner?.start).toBe(processStart(process.pid));
    release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('lets one process in: another live owner is named, a dead one is taken over', () => {
    const dir = folder();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
    try {
      const pid = child.pid as number;
      writeFileSync(join(dir, LOCK_FILE), `${pid}\n${processStart(pid) ?? ''}\n`);
      expect(() => lockRunFolder(dir)).toThrow(UsageError);
      expect(() => lockRunFolder(dir)).toThrow(new RegExp(`is in use by process ${pid} \\(lock file`));
      // A lock of the older format, the process id alone, is read too.
      writeFileSync(join(dir, LOCK_FILE), `${pid}\n`);
      expect(() => lockRunFolder(dir)).toThrow(new RegExp(`is in use by process ${pid} `));
    } finally {
      child.kill();
    }
    writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
    const release = lockRunFolder(dir);
    expect(lockOf(dir)?.pid).toBe(process.pid);
    release();
  });

  it.skipIf(noProc)(
    'takes over a lock whose process id now belongs to another process (started at another time)',
    () => {
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
      try {
        const pid = child.pid as number;
        const dir = folder(`${pid}\n1\n`);
        const release = lockRunFolder(dir);
        expect(lockOf(dir)?.pid).toBe(process.pid);
        release();
      } finally {
        child.kill();
      }
    },
  );

  it('refuses a lock of another host, which it cannot check, naming the host', () => {
    const dir = folder(`${process.pid + 1}\n\nother-machine\n`);
    expect(() => lockRunFolder(dir)).toThrow(/in use by process \d+ on host other-machine/);
  });

  it('takes over an empty or unreadable lock file once it is older than a write takes', () => {
    for (const text of ['', '12ab\n', '-4\n']) {
      const dir = folder(text);
      age(join(dir, LOCK_FILE));
      const release = lockRunFolder(dir);
      expect(lockOf(dir)?.pid).toBe(process.pid);
      release();
    }
  });

  it('takes a stale lock over only under the takeover file, and only while it is still the stale one', () => {
    const self = { pid: process.pid, start: processStart(process.pid), host: 'this' };
    const stale = { pid: deadPid(), start: null, host: null };
    const dir = folder();
    const path = join(dir, LOCK_FILE);
    // Another process replaced the stale lock meanwhile: left alone.
    const fresh = `${process.pid}\n${processStart(process.pid) ?? ''}\nother\n`;
    writeFileSync(path, fresh);
    expect(takeOverStaleLock(path, stale, self)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(fresh);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
    // Another process is taking it over: wait; its takeover file stays.
    writeFileSync(path, `${stale.pid}\n`);
    writeFileSync(`${path}.takeover`, fresh);
    expect(takeOverStaleLock(path, stale, self)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([LOCK_FILE, `${LOCK_FILE}.takeover`]);
    // A takeover file a crashed process left long ago is cleared, then the lock is taken.
    age(`${path}.takeover`);
    expect(takeOverStaleLock(path, stale, self)).toBe(false);
    expect(takeOverStaleLock(path, stale, self)).toBe(true);
    expect(parseOwner(readFileSync(path, 'utf8'))).toEqual(self);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]);
  });

  it('lets exactly one of several processes racing for a stale lock in', async () => {
    const built = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'run', 'run-lock.js');
    if (!existsSync(built)) throw new Error(`build the app first (${built} is missing)`);
    const dir = folder(`${deadPid()}\n`);
    const go = Date.now() + 1500;
    const script = `
      import(${JSON.stringify(pathToFileURL(built).href)}).then(({ lockRunFolder }) => {
        while (Date.now() < ${go});
        try { lockRunFolder(${JSON.stringify(dir)}); process.stdout.write('took'); }
        catch (e) { process.stdout.write(e.message.includes('in use') ? 'refused' : 'error: ' + e.message); }
        // Hold the lock until the parent has every outcome (it closes stdin then).
        process.stdin.resume();
        process.stdin.on('end', () => process.exit(0));
      });`;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--input-type=module', '-e', script]));
    const outcomes = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((done) => {
            child.stdout.once('data', (b) => done(String(b)));
            child.once('close', () => done(''));
          }),
      ),
    );
    await Promise.all(
      children.map((child) => {
        child.stdin.end();
        return new Promise((done) => child.once('close', done));
      }),
    );
    expect(outcomes.filter((o) => o === 'took')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(3);
    expect(readdirSync(dir)).toEqual([]);
  });
});
