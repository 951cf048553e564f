/**
 * The CLI's usage errors and help texts, as a user meets them: a bad option is one line and a
 * pointer to --help (not the whole help after it), exit 2; each command's --date says what the
 * date means for that command; `wallapop sim --help` names the command it was typed as.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LISTINGS } from '#simulator/defaults.ts';

const CLI = fileURLToPath(new URL('../../bin/wallapop.mjs', import.meta.url));

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('a bad option is one error line and a pointer to --help, exit 2', async (t) => {
  const { code, stderr, stdout } = await cli(['status', '--date', '2026-13-45x']);
  t.is(code, 2);
  t.is(stdout, '');
  const lines = stderr.split('\n').filter((line) => line.trim() !== '' && !/NodeVersionSupportWarning|node >=22|a\.co\/|trace-warnings|AWS SDK|To continue|security updates|versions published/.test(line));
  t.deepEqual(lines, [`error: option '--date <YYYY-MM-DD>' argument '2026-13-45x' is invalid. "2026-13-45x" is not a day; expected YYYY-MM-DD`, '(add --help for the options)']);
});

test("each command's --date says what it means there", async (t) => {
  const help = async (command: string) => (await cli([command, '--help'])).stdout.replace(/\s+/g, ' ');
  const [run, status, prices] = await Promise.all([help('run'), help('status'), help('prices')]);
  t.regex(run, /--date <YYYY-MM-DD> the day, or the last of the --days/);
  t.regex(status, /--date <YYYY-MM-DD> the day to report \(default: today in Madrid\)/);
  t.regex(prices, /--date <YYYY-MM-DD> answer from the latest gold day on or before this day/);
  for (const text of [status, prices]) t.false(text.includes('--days)'), 'no mention of a --days the command does not have');
});

test('wallapop sim --help names the command it was typed as', async (t) => {
  const { code, stdout } = await cli(['sim', '--help']);
  t.is(code, 0);
  t.true(stdout.startsWith('Usage: wallapop sim [options]'), stdout.split('\n')[0]);
});

test('run, demo and sim simulate the same market unless told otherwise; the demo runs long enough for its week-ago comparison', async (t) => {
  const [run, demo, sim] = await Promise.all([cli(['run', '--help']), cli(['demo', '--help']), cli(['sim', '--help'])]);
  const listingsDefault = (text: string) => /--listings <n>[^\n]*?default:? (\d+)/.exec(text)?.[1];
  t.is(listingsDefault(run.stdout), String(DEFAULT_LISTINGS));
  t.is(listingsDefault(demo.stdout), String(DEFAULT_LISTINGS));
  t.is(listingsDefault(sim.stdout), String(DEFAULT_LISTINGS));
  t.regex(demo.stdout.replace(/\s+/g, ' '), /--days <n> number of consecutive days \(default: 8\)/);
});
