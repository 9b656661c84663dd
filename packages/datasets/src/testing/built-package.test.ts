/**
 * The kit as a user gets it: the README's example, copied from README.md as it stands, runs in
 * a fresh project that depends on the *built* package (dist, through package.json's exports)
 * and on fast-check (and vitest for the vitest example) — and a broken variant of it fails. The
 * entry points keep their dependencies apart: the main entry never loads fast-check or vitest.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from './internal/helpers.js';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dist = join(packageDir, 'dist');
const SECTION = '## Property-test your own augmentation';

/** The ```js blocks of the README's section, by the file name on their first line (`// cutout.js — …`). */
function exampleFiles(): Map<string, string> {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  expect(start, `README.md has a section '${SECTION}'`).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const files = new Map<string, string>();
  for (const [, code] of section.matchAll(/```js\n([\s\S]*?)```/g)) {
    const name = /^\/\/ ([\w.-]+\.js)\b/.exec(code)?.[1];
    if (name) files.set(name, code);
  }
  return files;
}

/** A fresh project depending on the built @funt/datasets, fast-check and vitest. */
function project(files: Map<string, string>): { dir: string; remove: () => void } {
  const tmp = tempDir('funt-kit-example-');
  const modules = join(tmp.dir, 'node_modules');
  mkdirSync(join(modules, '@funt'), { recursive: true });
  symlinkSync(packageDir, join(modules, '@funt', 'datasets'), 'dir');
  for (const name of ['fast-check', 'vitest']) {
    symlinkSync(realpathSync(join(packageDir, 'node_modules', name)), join(modules, name), 'dir');
  }
  const dependencies = { '@funt/datasets': `file:${packageDir}`, 'fast-check': '^4.0.0' };
  const manifest = {
    name: 'kit-example',
    private: true,
    type: 'module',
    dependencies,
    devDependencies: { vitest: '^4.0.0' },
  };
  writeFileSync(join(tmp.dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, code] of files) writeFileSync(join(tmp.dir, name), code);
  return tmp;
}

/** Runs node with `args` in `dir`, in an environment free of this test run's variables. */
function node(dir: string, args: string[]): { status: number | null; output: string } {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, NO_COLOR: '1' };
  const r = spawnSync(process.execPath, args, { cwd: dir, env, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

const vitestBin = join(realpathSync(join(packageDir, 'node_modules', 'vitest')), 'vitest.mjs');

/** The bare module names a built file loads, following its relative imports. */
function bareImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const [, spec] of code.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?['"]([^'"]+)['"]/g)) {
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
      else
        bare.add(
          spec
            .split('/')
            .slice(0, spec.startsWith('@') ? 2 : 1)
            .join('/'),
        );
    }
  };
  visit(entry);
  return bare;
}

describe('the built package', () => {
  beforeAll(() => {
    if (!existsSync(join(dist, 'testing', 'index.js'))) {
      throw new Error(`no ${join(dist, 'testing', 'index.js')}: build the package first (pnpm build; npm test does)`);
    }
  });

  it('keeps fast-check and vitest out of the main entry point', () => {
    const main = bareImports(join(dist, 'index.js'));
    expect(main.has('@funt/tensor')).toBe(true);
    expect(main.has('fast-check')).toBe(false);
    expect(main.has('vitest')).toBe(false);
    const kit = bareImports(join(dist, 'testing', 'index.js'));
    expect(kit.has('fast-check')).toBe(true);
    expect(kit.has('vitest')).toBe(false);
    expect(bareImports(join(dist, 'testing', 'vitest.js')).has('vitest')).toBe(true);
  });

  it('declares fast-check and vitest as optional peers, and the entry points in exports', () => {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports)).toEqual(['.', './testing', './testing/vitest', './package.json']);
    for (const name of ['fast-check', 'vitest']) {
      expect(manifest.peerDependencies[name]).toBeDefined();
      expect(manifest.peerDependenciesMeta[name]).toEqual({ optional: true });
      expect(manifest.dependencies[name]).toBeUndefined();
    }
  });

  describe("the README's example, in a fresh project", () => {
    const files = exampleFiles();
    let good: { dir: string; remove: () => void };
    let broken: { dir: string; remove: () => void };
    // The same example with the output tensor replaced by the input: it now mutates its input.
    const line = "const y = outputFor('cutout', x, x.shape, out, true);";

    beforeAll(() => {
      good = project(files);
      const cutout = files.get('cutout.js') ?? '';
      expect(cutout).toContain(line);
      broken = project(new Map([...files, ['cutout.js', cutout.replace(line, 'const y = x;')]]));
    });
    afterAll(() => {
      good?.remove();
      broken?.remove();
    });

    it('has the three files the README shows', () => {
      expect([...files.keys()].sort()).toEqual(['check.js', 'cutout.js', 'cutout.test.js']);
    });

    it('node check.js passes every law', () => {
      const r = node(good.dir, ['check.js']);
      expect(r.output.trim(), r.output).toBe('');
      expect(r.status, r.output).toBe(0);
    });

    it('node check.js reports the broken variant by law and exits 1', () => {
      const r = node(broken.dir, ['check.js']);
      expect(r.status, r.output).toBe(1);
      expect(r.output).toMatch(/input-untouched: .*the input was modified/);
    });

    it('vitest runs one test per law and passes; the broken variant fails its law', () => {
      const ok = node(good.dir, [vitestBin, 'run']);
      expect(ok.status, ok.output).toBe(0);
      expect(ok.output).toMatch(/Tests\s+11 passed \(11\)/);
      const bad = node(broken.dir, [vitestBin, 'run']);
      expect(bad.status, bad.output).not.toBe(0);
      expect(bad.output).toMatch(/FAIL .*cutout > input-untouched/);
    });
  });
});
