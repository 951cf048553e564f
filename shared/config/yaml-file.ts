import { readFile } from 'node:fs/promises';
import { parse, YAMLParseError } from 'yaml';
import { parseSearchConfig, SearchConfigError, type SearchConfig } from './searches.ts';

/**
 * Reads a YAML (or JSON) configuration file. Failures become `fail(message)` errors that name the
 * file, and the line for a syntax error, so every configuration reports the same way.
 */
export async function readYamlFile(path: string, what: string, fail: (message: string) => Error): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fail(`cannot read the ${what} ${path}: ${(error as Error).message}`);
  }
  // Read leniently, a Latin-1 "ñ" would become U+FFFD and the search would quietly find nothing.
  const invalid = firstInvalidUtf8(bytes);
  if (invalid !== null) {
    const line = bytes.subarray(0, invalid).toString('latin1').split('\n').length;
    throw fail(`${path} is not UTF-8: the byte 0x${bytes[invalid]!.toString(16).padStart(2, '0')} at offset ${invalid} (line ${line}) is not valid UTF-8; save the file as UTF-8`);
  }
  const text = bytes.toString('utf8');
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

/** The offset of the first byte that does not belong to a valid UTF-8 sequence, or null. */
export function firstInvalidUtf8(bytes: Uint8Array): number | null {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || index + length > bytes.length) return index;
    for (let k = 1; k < length; k += 1) if ((bytes[index + k]! & 0xc0) !== 0x80) return index;
    // Overlong, surrogate and out-of-range forms (RFC 3629).
    const second = bytes[index + 1];
    if ((lead === 0xe0 && second! < 0xa0) || (lead === 0xed && second! > 0x9f) || (lead === 0xf0 && second! < 0x90) || (lead === 0xf4 && second! > 0x8f)) return index;
    index += length;
  }
  return null;
}
