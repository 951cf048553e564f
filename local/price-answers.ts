import { dayNumber, dayOfNumber } from '#shared/lake/days.ts';
import { goldDays, readGoldManifest } from '#shared/gold/manifest.ts';
import { answerSoldPrices, matchesQuestion, type PriceQuestion, type SoldPriceAnswer } from '#shared/gold/sold-prices.ts';
import { openStateCursor, type ListingState } from '#shared/gold/state.ts';
import type { Day } from '#shared/lake/keys.ts';
import type { Lake } from '#shared/lake/lake.ts';

/** `wallapop prices`: the question asked of the latest gold day (on or before `date`), streamed shard by shard. */
export interface PriceAnswer extends SoldPriceAnswer {
  question: PriceQuestion;
  stateDay: Day;
  /** The first gold day: tracking began then, so days to sell of listings already on sale start there. */
  firstDay: Day;
}

export async function answerPriceQuestion(lake: Lake, question: PriceQuestion, date?: Day): Promise<PriceAnswer> {
  const days = (await goldDays(lake)).filter((day) => date === undefined || day <= date);
  const stateDay = days.at(-1);
  if (stateDay === undefined) throw new Error(`the lake has no gold day${date === undefined ? '' : ` on or before ${date}`}: run the pipeline first (wallapop run, or npm run demo)`);
  const manifest = await readGoldManifest(lake, stateDay);
  const matching: ListingState[] = [];
  for (const { key } of manifest.state) {
    const bytes = await lake.get(key);
    if (bytes === undefined) throw new Error(`state file ${key} is listed by the gold manifest of ${stateDay} but missing`);
    const cursor = await openStateCursor(key, bytes);
    while (cursor.currentId !== undefined) {
      const row = cursor.current();
      if (matchesQuestion(row, question)) matching.push(row);
      await cursor.advance();
    }
  }
  const answer = answerSoldPrices(matching, question, dayNumber(stateDay));
  const firstDay = days[0]!;
  return { question, stateDay, firstDay, ...answer, fromDay: Math.max(answer.fromDay, dayNumber(firstDay)) };
}

const euros = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 });
const eur = (value: number | null) => (value === null ? '—' : euros.format(value));
const days = (value: number | null) => (value === null ? '—' : `${value} day${value === 1 ? '' : 's'}`);

export function formatPriceAnswer(answer: PriceAnswer): string {
  const { question, sold, onSale, byPosition } = answer;
  const where = [question.region, question.province, question.city, question.search && `search ${question.search}`, question.categoryId && `category ${question.categoryId}`].filter(Boolean).join(', ');
  const what = `"${question.words.join(' ')}"${question.exclude?.length ? ` without ${question.exclude.join(', ')}` : ''}${where ? ` in ${where}` : ''}`;
  const lines = [
    `${what}: sales from ${dayOfNumber(answer.fromDay)} to ${answer.stateDay} (gold state of ${answer.stateDay})`,
    sold.listings === 0
      ? '  sold: none in that time (a sale is a listing a complete search stopped returning and its seller did not re-publish)'
      : `  sold: ${sold.listings} listings; last asking price ${eur(sold.p25)} – ${eur(sold.median)} – ${eur(sold.p75)} (p25 – median – p75); median ${days(sold.medianDaysToSell)} to sell${sold.relistedBeforeSelling > 0 ? `; ${sold.relistedBeforeSelling} were relisted before selling` : ''}`,
    '  by price against the fair price (the median of comparable listings):',
    ...(['below', 'near', 'above', 'unknown'] as const).map((position) => {
      const label = { below: 'below (< 90 %)', near: 'near (90–110 %)', above: 'above (> 110 %)', unknown: 'no fair price' }[position];
      const entry = byPosition[position];
      return `    ${label.padEnd(16)} ${String(entry.sold).padStart(5)} sold, median ${eur(entry.medianPrice)}, ${days(entry.medianDaysToSell)} to sell`;
    }),
    onSale.listings === 0
      ? '  on sale now: none'
      : `  on sale now: ${onSale.listings} listings asking ${eur(onSale.p25)} – ${eur(onSale.median)} – ${eur(onSale.p75)}; their median fair price ${eur(onSale.medianFairPrice)}`,
  ];
  if (answer.fromDay <= dayNumber(answer.firstDay) + 30) {
    lines.push(`  note: tracking began on ${answer.firstDay}; days to sell of listings already on sale then count from that day (an underestimate)`);
  }
  return lines.join('\n');
}
