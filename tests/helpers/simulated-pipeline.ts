import type { ExecutionContext } from 'ava';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalPipeline, type LocalPipelineOptions } from '#local/pipeline.ts';
import { startSimulator, type Market, type SimulatorHandle } from '#simulator/index.ts';

/**
 * The local pipeline against the simulator over HTTP, in a temporary data directory that the
 * test's teardown removes with the pipeline and the simulator.
 */
export async function startSimulatedPipeline(
  t: ExecutionContext,
  options: { market: Market; day: string; searchesFile: string } & Partial<Omit<LocalPipelineOptions, 'dataDir' | 'wallapopBaseUrl' | 'searchesFile'>>,
): Promise<{ pipeline: LocalPipeline; sim: SimulatorHandle; dataDir: string }> {
  const { market, day, ...pipelineOptions } = options;
  const dataDir = await mkdtemp(join(tmpdir(), 'wallapop-pipeline-'));
  const sim = await startSimulator({ market, day });
  const pipeline = await LocalPipeline.start({
    wallapopRequestsPerSecond: 0,
    shardCount: 4,
    logLevel: 'SILENT',
    retryDelayMs: () => 10,
    ...pipelineOptions,
    dataDir,
    wallapopBaseUrl: sim.url,
  });
  t.teardown(async () => {
    await pipeline.close();
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { pipeline, sim, dataDir };
}
