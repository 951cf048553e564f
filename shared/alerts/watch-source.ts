import { access } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readSearchConfigFile, readYamlFile } from '../config/yaml-file.ts';
import { parseWatchConfig, WatchConfigError, type WatchConfig } from './watches.ts';

/** Re-exported for callers that load either way; a bundle should import it from ./bundled.ts. */
export { watchConfigFromBundle } from './bundled.ts';

/**
 * Where the watches come from. On AWS they are compiled into the bundle (esbuild.config.cjs defines
 * `__WATCH_CONFIG__` from the `watchesFile` parameter, beside `__SEARCH_CONFIG__`); when a handler
 * runs from source (the local runner, tests) they are read from a file:
 *
 *   WATCHES_FILE set     that file (it must exist)
 *   otherwise            the sibling of the search configuration: `searches.yml` → `watches.yml`,
 *                        `local/demo-searches.yml` → `local/demo-watches.yml`; no such file: no watches
 */

/** The watch file that goes with a search configuration file. */
export function siblingWatchesFile(searchesFile: string): string {
  const name = basename(searchesFile);
  return join(dirname(searchesFile), name.includes('searches') ? name.replace('searches', 'watches') : `watches.${name}`);
}

/** Reads and validates a watch file (YAML or JSON) against the searches it may name. Errors name the file. */
export async function readWatchConfigFile(path: string, searchSlugs: readonly string[]): Promise<WatchConfig> {
  const raw = await readYamlFile(path, 'watch file', (message) => new WatchConfigError(message, []));
  return parseWatchConfig(raw, path, searchSlugs);
}

/** The watches of a handler running from source, with the file they came from (null: none). */
export async function watchConfigFromFiles(env: NodeJS.ProcessEnv = process.env): Promise<{ config: WatchConfig; file: string | null }> {
  const searchesFile = env.SEARCHES_FILE ?? 'searches.yml';
  const explicit = env.WATCHES_FILE;
  const file = explicit || siblingWatchesFile(searchesFile);
  if (!explicit && !(await exists(file))) return { config: { watches: {} }, file: null };
  const searches = await readSearchConfigFile(searchesFile);
  return { config: await readWatchConfigFile(file, searches.searches.map((search) => search.slug)), file };
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
