import { existsSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DatasetError, messageOf } from '../errors.js';

/** Checks that `dir` is a directory; otherwise a DatasetError naming it and what it should hold. */
export function requireDir(dir: string, holds: string): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new DatasetError(dir, 'folder not found', { expected: `a folder with ${holds}`, found: 'nothing' });
  }
  if (!isDir) throw new DatasetError(dir, 'is not a folder', { expected: `a folder with ${holds}`, found: 'a file' });
}

/** The first of `names` that exists in one of `dirs`; otherwise a DatasetError listing them. */
export function findFile(dirs: readonly string[], names: readonly string[]): string {
  for (const dir of dirs) {
    for (const name of names) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
  }
  throw new DatasetError(join(dirs[0], names[0]), 'file not found', { expected: names.join(' or '), found: 'nothing' });
}

/** The first of `names` that exists in `dir`, or undefined. */
export function findOptional(dir: string, names: readonly string[]): string | undefined {
  return names.map((n) => join(dir, n)).find((p) => existsSync(p));
}

/**
 * Throws a DatasetError naming `file` unless it is a regular file: a folder where a file
 * should be, or a FIFO or device (whose read would block, or never end), is refused before it
 * is opened. `what` names the file in the message ('image file').
 */
export async function requireRegularFile(file: string, what = 'file'): Promise<void> {
  let kind: string | null;
  try {
    const s = await stat(file);
    kind = s.isFile()
      ? null
      : s.isDirectory()
        ? 'a folder'
        : s.isFIFO()
          ? 'a FIFO'
          : s.isCharacterDevice() || s.isBlockDevice()
            ? 'a device'
            : s.isSocket()
              ? 'a socket'
              : 'not a regular file';
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new DatasetError(file, `${what} not found`, { cause: error });
    if (code === 'ENOTDIR')
      throw new DatasetError(file, 'a part of this path is a file, not a folder', { cause: error });
    throw new DatasetError(file, `cannot be read: ${messageOf(error)}`, { cause: error });
  }
  if (kind) throw new DatasetError(file, `is not a regular file`, { expected: `a ${what}`, found: kind });
}

/** Reads a whole file; a missing, unreadable or non-regular file is a DatasetError naming it. */
export async function readBytes(file: string): Promise<Buffer> {
  await requireRegularFile(file);
  try {
    return await readFile(file);
  } catch (error) {
    throw new DatasetError(
      file,
      (error as { code?: string }).code === 'ENOENT' ? 'file not found' : `cannot be read: ${messageOf(error)}`,
      { cause: error },
    );
  }
}

/** Non-empty trimmed lines of a text file, with their 1-based line numbers. */
export async function readLines(file: string): Promise<{ text: string; line: number }[]> {
  const text = (await readBytes(file)).toString('utf8');
  return text
    .split(/\r?\n/)
    .map((t, i) => ({ text: t.trim(), line: i + 1 }))
    .filter((l) => l.text.length > 0);
}
