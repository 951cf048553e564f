import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Template } from './invocation-paths.ts';

export const run = promisify(execFile);

/** Packages the service exactly as `sls deploy` would, offline and without credentials, into a temporary directory. */
export async function packageService(stage: string): Promise<{ template: Template; directory: string; templatePath: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'sls-package-'));
  // serverless-esbuild leaves a copy of every zip's contents in TMPDIR: give it one to delete.
  const scratch = `${directory}-tmp`;
  await mkdir(scratch);
  try {
    await run('npx', ['serverless', 'package', '--stage', stage, '--region', 'eu-west-1', '--package', directory], {
      env: { ...process.env, TMPDIR: scratch, SLS_TELEMETRY_DISABLED: '1', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', ESBUILD_WORK_FOLDER: `.esbuild-template-${process.pid}-${stage}` },
      timeout: 120_000,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const templatePath = join(directory, 'cloudformation-template-update-stack.json');
  const template = JSON.parse(await readFile(templatePath, 'utf8')) as Template;
  return { template, directory, templatePath };
}
