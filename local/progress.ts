import cliProgress from 'cli-progress';
import type { S3EventNotification } from '#local/embedded-s3.ts';
import type { InvocationRecord } from './lambda-runtime.ts';

/**
 * Progress of a local run for a person at a terminal: one bar per stage (searches extracted,
 * searches in silver, gold shards) with pages and items as they land. Off a terminal it stays
 * silent and the final summary says it all.
 */
export class RunProgress {
  private readonly bars?: cliProgress.MultiBar;
  private readonly stageBars = new Map<string, cliProgress.SingleBar>();
  private pages = 0;
  private goldTasks = 0;
  private failures = 0;

  constructor(
    private readonly searchCount: number,
    enabled = process.stderr.isTTY === true,
    /** Where the bars are drawn (a terminal; tests pass a stream of their own). */
    stream: NodeJS.WritableStream = process.stderr,
  ) {
    if (!enabled) return;
    this.bars = new cliProgress.MultiBar(
      {
        format: ' {stage} |{bar}| {value}/{total} {detail}',
        barsize: 30,
        hideCursor: true,
        clearOnComplete: false,
        stream,
        // Draw on a stream that is not a terminal too (enabled says whether to draw at all).
        noTTYOutput: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  startDay(day: string): void {
    if (!this.bars) return;
    for (const bar of this.stageBars.values()) bar.stop();
    this.stageBars.clear();
    this.pages = 0;
    this.goldTasks = 0;
    this.bars.log(`day ${day}\n`);
    for (const stage of ['extract', 'silver']) {
      this.stageBars.set(stage, this.bars.create(this.searchCount, 0, { stage: stage.padEnd(8), detail: '' }));
    }
  }

  onObject(notification: S3EventNotification): void {
    const key = notification.Records[0]?.s3.object.key ?? '';
    if (key.startsWith('bronze/search/') && key.includes('/page-')) {
      this.pages += 1;
      this.stageBars.get('extract')?.update({ detail: `${this.pages} pages` });
    }
    // Gold's size is known once the fan-out writes its tasks: one per shard.
    if (key.startsWith('control/gold/dt=')) {
      this.goldTasks += 1;
      const bar = this.stageBars.get('goldShard');
      if (bar) bar.setTotal(this.goldTasks);
      else if (this.bars) this.stageBars.set('goldShard', this.bars.create(this.goldTasks, 0, { stage: 'gold'.padEnd(8), detail: 'shards' }));
    }
    if (key.startsWith('gold/_manifests/')) this.stageBars.get('goldShard')?.update({ detail: 'published' });
  }

  onInvocation(record: InvocationRecord): void {
    if (record.status !== 'succeeded') {
      this.failures += 1;
      this.bars?.log(`  ${record.functionName} ${record.status} (attempt ${record.attempt}) on ${record.objectKey ?? 'schedule'}: ${record.error?.message}\n`);
      return;
    }
    const stage = record.functionName === 'extract' ? (isFinished(record.result) ? 'extract' : undefined) : record.functionName;
    if (stage) this.stageBars.get(stage)?.increment();
  }

  stop(): void {
    this.bars?.stop();
  }
}

function isFinished(result: unknown): boolean {
  return Array.isArray(result) && result.some((item) => (item as { status?: string }).status === 'finished');
}
