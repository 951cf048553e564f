import test, { type ExecutionContext } from 'ava';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runDoctor, formatDoctorReport, type DoctorReport } from '#local/doctor.ts';
import { WallapopClient, type SearchQuery } from '#shared/wallapop/index.ts';
import { createMarket, startSimulator, type ApiVariant, type EndpointMode } from '#simulator/index.ts';

/**
 * `wallapop doctor` against the simulator and its variants: each gives the verdict a user needs.
 * The live API is never touched by tests.
 */

const DAY = '2026-11-24';
const market = createMarket({ seed: 5, listings: 20_000, startDay: DAY });
const PROBE: SearchQuery = { categoryId: 24200, latitude: 40.4168, longitude: -3.7038, distanceKm: 50, minPrice: 50, maxPrice: 1500, orderBy: 'newest', timeFilter: 'lastMonth' };

async function doctorAgainst(t: ExecutionContext, setup: { variant?: ApiVariant; search?: EndpointMode; section?: EndpointMode; block?: boolean; probe?: SearchQuery } = {}): Promise<DoctorReport> {
  const sim = await startSimulator({
    market,
    day: DAY,
    ...(setup.variant ? { variant: setup.variant } : {}),
    ...(setup.search ? { searchEndpoint: setup.search } : {}),
    ...(setup.section ? { sectionEndpoint: setup.section } : {}),
    ...(setup.block ? { faults: { rate: 0, blockSearches: ['iphone'] } } : {}),
  });
  t.teardown(() => sim.close());
  const client = new WallapopClient({ baseUrl: sim.url, requestsPerSecond: 0, maxAttempts: 2, backoffBaseMs: 1, sleep: async () => {} });
  return runDoctor({ client, baseUrl: sim.url, probe: setup.probe ?? PROBE });
}

const verdicts = (report: DoctorReport) => Object.fromEntries(report.checks.map((check) => [check.name, check.verdict]));

test('the API as the pipeline reads it: ok, with what was sent and the shape of each answer', async (t) => {
  const report = await doctorAgainst(t);
  t.is(report.verdict, 'ok');
  t.deepEqual(verdicts(report), { categories: 'ok', search: 'ok', section: 'ok', 'second page': 'ok' });
  const [, search, section, second] = report.checks;
  t.is(search!.shape, 'organic_search_results section, items at data.section.payload.items, token at meta.next_page');
  t.is(section!.shape, 'organic_search_results section, items at data.section.items, token at meta.next_page');
  t.is(section!.request!.headers['X-AppVersion'], '826800');
  t.regex(second!.request!.url, /next_page=/);
  t.is(search!.coverage['location.region2 (province)'], '40/40');
  const text = formatDoctorReport(report);
  t.regex(text, /\[ok\] section\n  sent: GET http:\/\/127\.0\.0\.1:\d+\/api\/v3\/search\/section\?section_type=organic_search_results&source=search_box&category_id=24200/);
  t.regex(text, /Verdict: OK: both search endpoints answer in a shape the pipeline reads, honour the filters, and page on\.$/);
});

test('each variant gets its verdict', async (t) => {
  const swapped = await doctorAgainst(t, { variant: { searchShape: 'items+section', sectionShape: 'payload+meta', discount: 'top-level' } });
  t.is(swapped.verdict, 'ok', 'every shape on either endpoint is read');

  const ignoring = await doctorAgainst(t, { variant: { ignore: ['category'] } });
  t.is(ignoring.verdict, 'broken');
  t.is(ignoring.checks[1]!.drift!.outcome, 'filter-ignored');
  t.regex(ignoring.summary, /^Broken: search: the category filter \(24200\) was ignored: .*section: the category filter \(24200\) was ignored.*A run now would mark such searches filter-ignored or drifted and nothing vanished from them\.$/);

  const priceIgnored = await doctorAgainst(t, { variant: { ignore: ['price'] } });
  t.deepEqual(priceIgnored.checks[1]!.drift!.symptoms.map((symptom) => symptom.kind), ['price-ignored']);

  const sectionOnly = await doctorAgainst(t, { search: 'bad-request' });
  t.is(sectionOnly.verdict, 'warning', 'the fallback covers one endpoint refusing');
  t.deepEqual(verdicts(sectionOnly), { categories: 'ok', search: 'warning', section: 'ok', 'second page': 'ok' });
  t.is(sectionOnly.checks[3]!.request!.endpoint, 'section', 'the second page is asked where the first came from');
  t.regex(sectionOnly.summary, /^Works, with warnings: search: WallapopBadRequestError: HTTP 400/);

  const blocked = await doctorAgainst(t, { block: true, probe: { ...PROBE, keywords: 'iphone' } });
  t.is(blocked.verdict, 'broken');
  t.regex(blocked.summary, /^Broken: neither search endpoint gave a page the pipeline can read/);
  t.true(blocked.checks[1]!.notes.some((note) => note.startsWith('blocked by CloudFront')));

  const bothDown = await doctorAgainst(t, { search: 'missing', section: 'bad-request' });
  t.is(bothDown.verdict, 'broken');
});

test('the CLI: text or --json, exit 1 only when broken', async (t) => {
  const sim = await startSimulator({ market, day: DAY, variant: { ignore: ['distance'] } });
  t.teardown(() => sim.close());
  const cli = fileURLToPath(new URL('../../bin/wallapop.mjs', import.meta.url));
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cli, 'doctor', '--base-url', sim.url, '--rps', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const json = await run(['--json']);
  t.is(json.code, 1, json.stderr);
  const report = JSON.parse(json.stdout) as DoctorReport;
  t.is(report.verdict, 'broken');
  t.regex(report.summary, /the 50 km radius was ignored/);
  const text = await run([]);
  t.is(text.code, 1);
  t.regex(text.stdout, /\[BROKEN\] search\n/);
  t.regex(text.stdout, /  drift: the 50 km radius was ignored: \d+ of \d+ items checked/);
  const usage = await run(['--search', 'nope', '--searches', 'fixtures/searches.yml']);
  t.is(usage.code, 2);
  t.regex(usage.stderr, /fixtures\/searches\.yml has no search "nope" \(it has iphone-madrid, tech-madrid\)/);
});
