import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { parseSearchConfig, SearchConfigError, type SearchConfig } from './searches.ts';

/**
 * Reads a YAML (or JSON) configuration file. Failures become `fail(message)` errors that name the
 * file, and the line for a syntax error, so every configuration reports the same way.
 */
export async function readYamlFile(path: string, what: string, fail: (message: string) => Error): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw fail(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
  try {
    return parse(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw fail(`${path} is not valid YAML${where}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Reads and validates a search configuration file (YAML or JSON). Errors name the file. */
export async function readSearchConfigFile(path: string): Promise<SearchConfig> {
  const raw = await readYamlFile(path, 'search configuration', (message) => new SearchConfigError(message, []));
  return parseSearchConfig(raw, path);
}
