#!/usr/bin/env node
// Starts the TypeScript CLI (bin/cli.ts) under tsx, with the OpenSSL flag the embedded S3 server
// needs for paginated listings (see local/embedded-s3.ts). Exit code and signals pass through.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
