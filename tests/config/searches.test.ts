import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstInvalidUtf8, readSearchConfigFile } from '#shared/config/yaml-file.ts';
import { parseSearchConfig, SearchConfigError } from '#shared/config/searches.ts';

const valid = { slug: 'iphone-13-madrid', keywords: 'iphone 13', latitude: 40.4168, longitude: -3.7038 };

test('the shipped search files are valid, with defaults applied', async (t) => {
  for (const file of ['searches.yml', 'local/demo-searches.yml', 'fixtures/searches.yml']) {
    const config = await readSearchConfigFile(file);
    t.true(config.searches.length > 0, file);
    for (const search of config.searches) {
      t.true(search.maxPages >= 1 && (search.keywords !== undefined || search.categoryId !== undefined), `${file}: ${search.slug}`);
    }
  }
  const { searches } = parseSearchConfig({ searches: [valid] });
  t.like(searches[0], { orderBy: 'newest', timeFilter: 'lastMonth', maxPages: 250 });
});

const problemsOf = (raw: unknown): string[] => {
  try {
    parseSearchConfig(raw, 'test.yml');
  } catch (error) {
    if (error instanceof SearchConfigError) return error.problems;
    throw error;
  }
  return [];
};

test('a bad search is named by slug and field, every problem at once', (t) => {
  const problems = problemsOf({
    searches: [valid, { slug: 'ps5-bcn', keywords: 'ps5', latitude: 41.38, distanceKm: 5000, timeFilter: 'yesterday', colour: 'red' }],
  });
  t.true(problems.some((p) => p.startsWith('search "ps5-bcn" (#2), field "longitude": is required')), problems.join('\n'));
  t.true(problems.some((p) => /search "ps5-bcn" \(#2\), field "distanceKm": must be at most 2000/.test(p)));
  t.true(problems.some((p) => /field "timeFilter": must be one of today, lastWeek, lastMonth/.test(p)));
  t.true(problems.some((p) => /field "colour": is not a known field/.test(p)));
  t.false(problems.some((p) => p.includes('is required: is required')), 'a missing value is said to be required once');
});

test('search-level rules: keywords or category, price range order, unique slugs, slug format', (t) => {
  t.deepEqual(problemsOf({ searches: [{ slug: 'nothing', latitude: 1, longitude: 2 }] }), ['search "nothing" (#1): needs keywords or categoryId (or both)']);
  t.deepEqual(problemsOf({ searches: [{ ...valid, minPrice: 500, maxPrice: 100 }] }), ['search "iphone-13-madrid" (#1): minPrice must not exceed maxPrice']);
  t.deepEqual(problemsOf({ searches: [valid, { ...valid, slug: 'other' }, valid] }), ['config: search slugs must be unique: "iphone-13-madrid" is used by searches #1, #3']);
  t.true(problemsOf({ searches: [{ ...valid, slug: 'Bad Slug' }] })[0]!.includes('field "slug": must be lowercase letters'));
  t.deepEqual(problemsOf({}), ['config, field "searches": is required']);
  t.deepEqual(problemsOf({ searches: [] }), ['config, field "searches": must list at least one search (got [])']);
});

test('what would pass validation and fail at run time is refused here', (t) => {
  t.deepEqual(problemsOf({ searches: [{ ...valid, minPrice: 1e20 }] }), ['search "iphone-13-madrid" (#1), field "minPrice": must be a whole number of euros (got 100000000000000000000)']);
  t.deepEqual(problemsOf({ searches: [{ ...valid, maxPrice: 500_000_000 }] }), ['search "iphone-13-madrid" (#1), field "maxPrice": must be at most 100,000,000 € (got 500000000)']);
  t.deepEqual(problemsOf({ searches: [{ ...valid, keywords: 'x'.repeat(200_000) }] }), [
    `search "iphone-13-madrid" (#1), field "keywords": must be at most 200 characters (they go into the request's URL) (got "${'x'.repeat(39)}… (200002 characters))`,
  ]);
  t.deepEqual(problemsOf({ searches: [{ ...valid, latitude: '40.4' }] }), ['search "iphone-13-madrid" (#1), field "latitude": must be a number (degrees; without it Wallapop geolocates the caller by IP and may return nothing) (got "40.4")']);
  t.deepEqual(problemsOf({ searches: [{ ...valid, minPrice: '10' }] }), ['search "iphone-13-madrid" (#1), field "minPrice": must be a number of euros, got string (got "10")']);
});

test('a file that is not UTF-8 is refused with the offset of the first bad byte', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'searches-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  const latin1 = join(directory, 'latin1.yml');
  // "España" saved as Latin-1: 0xF1 for ñ. Read leniently it becomes U+FFFD and the search finds nothing.
  await writeFile(latin1, Buffer.from('searches:\n  - slug: a\n    keywords: Espa\xf1a\n    latitude: 40\n    longitude: -3\n', 'latin1'));
  await t.throwsAsync(readSearchConfigFile(latin1), { message: /latin1\.yml is not UTF-8: the byte 0xf1 at offset 40 \(line 3\) is not valid UTF-8; save the file as UTF-8/ });
  t.is(firstInvalidUtf8(Buffer.from('ñ € 😀', 'utf8')), null);
  t.is(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80])), 1, 'an overlong form');
  t.is(firstInvalidUtf8(Buffer.from([0xed, 0xa0, 0x80])), 0, 'a surrogate');
  t.is(firstInvalidUtf8(Buffer.from([0xe2, 0x82])), 0, 'cut short');
});

test('a file that cannot be read or parsed fails naming the file and line', async (t) => {
  const directory = await mkdtemp(join(tmpdir(), 'searches-'));
  t.teardown(() => rm(directory, { recursive: true, force: true }));
  await t.throwsAsync(readSearchConfigFile(join(directory, 'missing.yml')), { message: /cannot read the search configuration .*missing\.yml/ });
  const broken = join(directory, 'broken.yml');
  await writeFile(broken, 'searches:\n  - slug: a\n   keywords: [unclosed\n');
  await t.throwsAsync(readSearchConfigFile(broken), { message: /broken\.yml is not valid YAML at line \d+/ });
  const invalid = join(directory, 'invalid.yml');
  await writeFile(invalid, 'searches:\n  - slug: a\n    keywords: x\n');
  await t.throwsAsync(readSearchConfigFile(invalid), { message: /invalid\.yml is invalid:\n {2}- search "a" \(#1\), field "latitude": is required/ });
});
