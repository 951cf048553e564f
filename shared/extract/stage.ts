import type { BronzeManifest, ExtractOutcome } from '../lake/bronze.ts';
import { keys } from '../lake/keys.ts';
import { getJson, putJson, type Lake } from '../lake/lake.ts';
import { addPage, driftVerdict, type DriftVerdict } from '../wallapop/index.ts';
import { WallapopBlockedError, WallapopError, isOtherSection, type SearchPage, type WallapopClient } from '../wallapop/index.ts';
import { encodeEnvelope, envelopeOf } from './envelope.ts';
import { searchQueryOf } from './query.ts';
import { parseExtractTask, type ExtractTask, type PageSummary } from './task.ts';

export interface ExtractOptions {
  lake: Lake;
  client: WallapopClient;
  taskKey: string;
  /** Milliseconds left in this invocation. */
  remainingTimeMs: () => number;
  /** Hand over to a continuation when less than this is left (a page can take a minute under retries). */
  safetyMarginMs?: number;
  onPage?: (page: PageSummary & { search: string }) => void;
}

export type ExtractResult =
  | { status: 'skipped'; reason: string; day: string; search: string }
  | { status: 'continued'; day: string; search: string; continuationKey: string; pagesThisInvocation: number }
  | { status: 'finished'; day: string; search: string; manifest: BronzeManifest; pagesThisInvocation: number };

const DEFAULT_SAFETY_MARGIN_MS = 90_000;

/**
 * Runs one extract task: fetches pages of one search for one day, stores each verbatim in bronze,
 * and ends with either a continuation task (time is short) or the search's manifest (written last).
 * Wallapop failures end the search with a recorded outcome; lake failures throw, so Lambda retries.
 */
export async function runExtract(options: ExtractOptions): Promise<ExtractResult> {
  const { lake, client, taskKey } = options;
  const raw = await getJson<unknown>(lake, taskKey);
  if (raw === undefined) throw new Error(`extract task ${taskKey} does not exist`);
  const task = parseExtractTask(raw, taskKey);
  const { day, search } = task;
  const manifestKey = keys.bronzeManifest(day, search.slug);

  if (task.startPage === 1 && !task.force && (await lake.exists(manifestKey))) {
    return { status: 'skipped', reason: `${manifestKey} already exists (a duplicate event; replay forces a re-extraction)`, day, search: search.slug };
  }

  const pages: PageSummary[] = [...task.pages];
  const otherSections: NonNullable<BronzeManifest['otherSections']> = [];
  const seenTokens = new Set(task.seenTokens);
  const errors: BronzeManifest['errors'] = [];
  let estimatedTotal = task.estimatedTotal;
  let firstFetchedAt = task.firstFetchedAt;
  let lastFetchedAt: string | null = null;
  let pageNumber = task.startPage;
  let outcome: ExtractOutcome = 'complete';
  let pagesThisInvocation = 0;
  const query = searchQueryOf(search);
  let drift = task.drift;
  let verdict: DriftVerdict = driftVerdict(query, drift);

  /** Stores a page in bronze; a page of another section than the results is kept as evidence, outside `pages` (silver reads only those). */
  const store = async (page: Pick<SearchPage, 'request' | 'status' | 'contentType' | 'body' | 'fetchedAt' | 'attempts' | 'elapsedMs'>, itemCount: number, otherSection?: string) => {
    const key = keys.bronzePage(day, search.slug, pageNumber);
    const envelope = envelopeOf(page, { kind: 'search-page', day, search: search.slug, page: pageNumber, itemCount });
    await lake.put(key, encodeEnvelope(envelope), 'application/gzip');
    const endpoint = envelope.request.endpoint === 'section' ? 'section' : 'search';
    const summary: PageSummary = { key, page: pageNumber, items: itemCount, endpoint };
    if (otherSection === undefined) {
      pages.push(summary);
      options.onPage?.({ ...summary, search: search.slug });
    } else {
      otherSections.push({ ...summary, sectionType: otherSection });
    }
    firstFetchedAt ??= page.fetchedAt;
    lastFetchedAt = page.fetchedAt;
    pageNumber += 1;
    pagesThisInvocation += 1;
  };

  const pagesLeft = search.maxPages - (task.startPage - 1);
  const iterator = client.searchPages(query, {
    nextPage: task.nextPage,
    seenTokens,
    maxPages: pagesLeft,
  });
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) {
        const stop = step.value;
        if (stop.reason === 'max-pages' && stop.nextPage) outcome = 'page-cap';
        if ((stop.reason === 'empty-page' || stop.reason === 'other-section') && pages.length === 0) outcome = 'empty';
        if (stop.reason === 'repeated-token') errors.push({ page: pageNumber, kind: 'repeated-token', message: 'the API returned a next_page token it had already given; pagination stopped there' });
        break;
      }
      const page = step.value;
      if (isOtherSection(page.shape)) {
        // Not the search's results (a captured answer: "Similares a tu búsqueda"): kept, not read.
        await store(page, page.items.length, page.shape.sectionType!);
        continue;
      }
      if (pageNumber === 1 || estimatedTotal === null) estimatedTotal = page.estimatedTotal ?? estimatedTotal;
      await store(page, page.items.length);
      if (page.nextPage) seenTokens.add(page.nextPage);
      drift = addPage(drift, page.check);
      verdict = driftVerdict(query, drift);
      // An API that ignores a filter would page through the whole market: what was seen is evidence enough.
      if (verdict.decisive) {
        await iterator.return?.(undefined as never);
        break;
      }
      if (page.items.length === 0 && pages.length === 1) {
        outcome = 'empty';
        break;
      }
      if (page.nextPage && options.remainingTimeMs() < (options.safetyMarginMs ?? DEFAULT_SAFETY_MARGIN_MS)) {
        const continuation: ExtractTask = {
          ...task,
          startPage: pageNumber,
          nextPage: page.nextPage,
          seenTokens: [...seenTokens],
          pages,
          estimatedTotal,
          firstFetchedAt,
          invocations: task.invocations + 1,
          force: true,
          drift,
        };
        const continuationKey = keys.extractContinuation(day, search.slug, pageNumber);
        await iterator.return?.(undefined as never);
        await putJson(lake, continuationKey, continuation);
        return { status: 'continued', day, search: search.slug, continuationKey, pagesThisInvocation };
      }
    }
  } catch (error) {
    if (!(error instanceof WallapopError)) throw error;
    outcome = error instanceof WallapopBlockedError ? 'blocked' : 'failed';
    errors.push({ page: pageNumber, kind: error.name, message: error.message });
    // The failing response is evidence: keep it in bronze, where silver quarantines it with its reason.
    if (error.response) await store(error.response, 0);
  }

  // A failure says more than drift does; a partial or empty answer that also drifted is reported as drifted.
  if (verdict.outcome !== null && (outcome === 'complete' || outcome === 'page-cap')) outcome = verdict.outcome;

  const manifest: BronzeManifest = {
    manifestVersion: 1,
    day,
    search: search.slug,
    outcome,
    pages,
    pageCount: pages.length,
    itemCount: pages.reduce((sum, page) => sum + page.items, 0),
    estimatedTotal,
    ...(task.planAttempt === undefined ? {} : { planAttempt: task.planAttempt }),
    invocations: task.invocations + 1,
    firstFetchedAt,
    lastFetchedAt: lastFetchedAt ?? firstFetchedAt,
    errors,
    drift: { checks: drift, symptoms: verdict.symptoms },
    ...(otherSections.length > 0 ? { otherSections } : {}),
  };
  await putJson(lake, manifestKey, manifest);
  return { status: 'finished', day, search: search.slug, manifest, pagesThisInvocation };
}
