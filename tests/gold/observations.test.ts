import test from 'ava';
import { DayObservations } from '#shared/gold/observations.ts';
import { compareUtf8 } from '#shared/lake/parquet.ts';
import { writeSilverParquet } from '#shared/silver/index.ts';
import { random } from '../helpers/bronze-fixtures.ts';
import { silverRow } from '../helpers/gold-fixtures.ts';

/**
 * The day's silver files merged into one observation per listing, against the rule spelled out
 * naively: every search that returned the listing, in slug order; the attributes of the freshest
 * occurrence, the first search in slug order on a tie. Files are large enough to span several row
 * groups (silver writes 4,096 rows a group), and ids include characters whose UTF-16 and UTF-8
 * orders differ, so the merge's ordering and its row-group loading are both exercised.
 */
test('DayObservations merges many searches into one observation per listing: every search, the freshest row, ties to the first slug', async (t) => {
  const next = random(7);
  const day = '2026-11-20';
  const pool = Array.from({ length: 12_000 }, (_, index) => `${index % 7 === 0 ? '\u{1F600}' : index % 11 === 0 ? '\uFF21' : ''}L${Math.floor(next() * 1e9).toString(36)}-${index}`);
  const slugs = Array.from({ length: 25 }, (_, index) => `search-${String(index).padStart(2, '0')}`);
  const fetchTimes = [8, 9, 10].map((hour) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`));
  const bySearch = slugs.map((slug, searchIndex) => {
    const share = searchIndex === 0 ? 0.45 : 0.02 + next() * 0.2;
    return pool.filter(() => next() < share).map((id, index) => ({ id, price: searchIndex * 100_000 + index, fetchedAt: fetchTimes[Math.floor(next() * fetchTimes.length)]! }));
  });
  const files = slugs.map((slug, index) => ({ slug, key: `silver/${slug}.parquet`, bytes: writeSilverParquet(bySearch[index]!.map((listing) => silverRow(day, slug, listing))) }));

  const expected = new Map<string, { searches: string[]; price: number; fetchedAt: number }>();
  slugs.forEach((slug, searchIndex) => {
    for (const listing of bySearch[searchIndex]!) {
      const seen = expected.get(listing.id);
      if (seen === undefined) {
        expected.set(listing.id, { searches: [slug], price: listing.price, fetchedAt: listing.fetchedAt });
        continue;
      }
      seen.searches.push(slug);
      if (listing.fetchedAt > seen.fetchedAt) Object.assign(seen, { price: listing.price, fetchedAt: listing.fetchedAt });
    }
  });
  const expectedIds = [...expected.keys()].sort(compareUtf8);

  const today = await DayObservations.open(files);
  const merged: Array<{ id: string; searches: string[]; price: number }> = [];
  while (today.currentId !== undefined) {
    const row = today.take();
    merged.push({ id: row.listing_id, searches: row.searches, price: row.price });
    const loading = today.loading();
    if (loading !== undefined) await loading;
  }

  t.true(bySearch[0]!.length > 4_096, 'the largest file spans several row groups');
  t.is(merged.length, expectedIds.length);
  t.deepEqual(
    merged.map((row) => row.id),
    expectedIds,
  );
  t.deepEqual(
    merged.map((row) => ({ searches: row.searches, price: row.price })),
    expectedIds.map((id) => ({ searches: expected.get(id)!.searches, price: expected.get(id)!.price })),
  );
  t.is(today.listings, expectedIds.length);
  t.deepEqual(today.rowsBySearch, Object.fromEntries(slugs.map((slug, index) => [slug, bySearch[index]!.length])));
});
