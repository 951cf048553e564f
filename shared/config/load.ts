import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { parseSearchConfig, SearchConfigError, type SearchConfig } from './searches.ts';

/** Reads and validates a search configuration file (YAML or JSON). Errors name the file. */
export async function readSearchConfigFile(path: string): Promise<SearchConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SearchConfigError(`cannot read the search configuration ${path}: ${(error as Error).message}`, []);
  }
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new SearchConfigError(`${path} is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`, []);
  }
  return parseSearchConfig(raw, path);
}
