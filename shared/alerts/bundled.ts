import { parseSearchConfig } from '../config/searches.ts';
import { parseWatchConfig, type WatchConfig } from './watches.ts';

/**
 * The watches compiled into a bundle (JSON texts of the parsed YAML files). Kept apart from
 * ./watch-source.ts, the file reader: a bundle that imports only this module carries no YAML parser.
 */
export function watchConfigFromBundle(watchJson: string, watchFile: string, searchJson: string): WatchConfig {
  const searches = parseSearchConfig(JSON.parse(searchJson), 'the deployed search configuration');
  return parseWatchConfig(JSON.parse(watchJson), `the deployed watch file (${watchFile})`, searches.searches.map((search) => search.slug));
}
