#!/usr/bin/env node
// Runs the test suite (ava) with a temporary directory of its own, and fails when anything the
// suite started left something in it: every process the project starts must leave the temporary
// directory as it found it. Tool caches that live there by design (tsx's transpile cache, Node's
// compile cache) are not leftovers of ours and are removed with the directory.
//   node scripts/run-tests.mjs [ava arguments…]      (what `npm test` runs after the type check)
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOOL_CACHES = [/^tsx-\d+$/, /^node-compile-cache$/];

const scratch = mkdtempSync(join(tmpdir(), 'wallapop-tests-'));
const env = { ...process.env, TMPDIR: scratch, TMP: scratch, TEMP: scratch };
const child = spawn('ava', process.argv.slice(2), { stdio: 'inherit', env, shell: false });
const code = await new Promise((resolve) => {
  child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  child.on('error', (error) => {
    console.error(`run-tests: cannot start ava: ${error.message}`);
    resolve(2);
  });
});
const leftovers = readdirSync(scratch).filter((name) => !TOOL_CACHES.some((pattern) => pattern.test(name)));
rmSync(scratch, { recursive: true, force: true });
if (leftovers.length > 0) {
  console.error(`\nrun-tests: the suite left ${leftovers.length} entr${leftovers.length === 1 ? 'y' : 'ies'} in its temporary directory: ${leftovers.sort().join(', ')}`);
  process.exit(code === 0 ? 1 : code);
}
process.exit(code);
