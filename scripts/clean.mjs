#!/usr/bin/env node
// Removes build output folders before a build (`node ../../scripts/clean.mjs dist`): tsc never
// deletes the output of a source file that was moved or removed, and a stale file in dist/
// would be shipped and could still be imported.
import { rmSync } from 'node:fs';

for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true });
