import * as fs from 'node:fs';
import * as path from 'node:path';

/** Distinguishes temp files of concurrent writes from one process (the pid tells processes apart). */
let writeCounter = 0;

/** The name a write uses while in progress: hidden, in the same folder (so rename is atomic), unique. */
export function tempPathFor(target: string): string {
  const dir = path.dirname(target);
  const base = path.basename(target);
  writeCounter = (writeCounter + 1) % 1_000_000_000;
  return path.join(dir, `.${base}.${process.pid}.${writeCounter}.tmp`);
}

/**
 * Writes `chunks` to `target` so that a reader (or a crash, or SIGKILL at any instant) sees
 * either the previous file or the complete new one, never a torn file: the bytes go to a temp
 * file in the same folder, are fsync'ed, and the temp file is renamed over the target (rename
 * is atomic within one file system). The folder is fsync'ed afterwards so the rename itself
 * survives a power loss where the platform allows it.
 *
 * Chunks are written one by one rather than concatenated, so saving a model does not need a
 * second copy of its weights in memory.
 */
export function writeFileAtomic(target: string, chunks: readonly Uint8Array[]): void {
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) {
    throw new Error(`writeFileAtomic: folder '${dir}' of '${target}' does not exist`);
  }
  const tmp = tempPathFor(target);
  let fd = -1;
  try {
    fd = fs.openSync(tmp, 'wx', 0o644);
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.byteLength) {
        written += fs.writeSync(fd, chunk, written, chunk.byteLength - written);
      }
    }
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = -1;
    fs.renameSync(tmp, target);
  } catch (err) {
    if (fd >= 0) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncFolder(dir);
}

/** fsync of a folder makes a rename durable on POSIX; some platforms refuse to open folders. */
function syncFolder(dir: string): void {
  let fd = -1;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported here (e.g. Windows): the rename is still atomic, only less durable.
  } finally {
    if (fd >= 0) fs.closeSync(fd);
  }
}
