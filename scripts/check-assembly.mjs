#!/usr/bin/env node
// The format check for AssemblyScript sources, which Biome cannot parse (`@inline function` is
// not TypeScript). It enforces what Biome enforces elsewhere and a reader notices: lines of at
// most 120 characters, two-space indentation, no tabs, no trailing spaces, one final newline.
// The AssemblyScript compiler (`pnpm build`) is these files' type check.
//
//   node scripts/check-assembly.mjs [dir…]   exits 1 and lists each offending line
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const LINE_WIDTH = 120;
const root = fileURLToPath(new URL('..', import.meta.url));
const dirs = process.argv.length > 2 ? process.argv.slice(2) : [join(root, 'packages', 'tensor', 'assembly')];

/** Every problem of one file as `file:line: message`. */
export function checkSource(name, text) {
  const problems = [];
  const lines = text.split('\n');
  if (!text.endsWith('\n') || text.endsWith('\n\n')) problems.push(`${name}: must end with exactly one newline`);
  lines.forEach((line, i) => {
    const at = `${name}:${i + 1}`;
    // Characters, not UTF-16 units: the comments use Σ, ·, ² and the like.
    const width = [...line].length;
    if (width > LINE_WIDTH) problems.push(`${at}: ${width} characters (at most ${LINE_WIDTH})`);
    if (line.includes('\t')) problems.push(`${at}: tab (indent with spaces)`);
    if (/\s$/.test(line)) problems.push(`${at}: trailing whitespace`);
    const indent = line.match(/^ */)[0].length;
    // Odd indents appear only in the continuation of a doc comment (` * …`).
    if (indent % 2 === 1 && !/^ *\*/.test(line)) problems.push(`${at}: indent of ${indent} (use multiples of 2)`);
  });
  return problems;
}

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const problems = dirs.flatMap((dir) =>
  sources(dir).flatMap((file) => checkSource(relative(root, file), readFileSync(file, 'utf8'))),
);
for (const p of problems) console.error(p);
if (problems.length > 0) {
  console.error(`check-assembly: ${problems.length} problem(s)`);
  process.exit(1);
}
