import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { contentVersion, type Lake } from './lake.ts';

/**
 * A lake in a local directory (one file per key), for the benchmark and the tools that read a lake
 * copied to disk. DuckDB reads the same files, which is what the benchmark compares against.
 */
export class DirectoryLake implements Lake {
  constructor(readonly root: string) {}
  // Synchronous: fs/promises' readFile takes several thread-pool round trips per file (~90 µs of
  // CPU for a 13 KB bronze page, 2–3 % of silver's). The benchmark compares engines on local files;
  // the stages' own S3 reads are measured in the "as deployed" rows.
  async get(key: string) {
    try {
      const bytes = readFileSync(join(this.root, key));
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
  async put(key: string, body: Uint8Array | string) {
    const path = join(this.root, key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
  }
  async list(prefix: string) {
    const base = join(this.root, prefix.slice(0, prefix.lastIndexOf('/') + 1));
    const found: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const path = join(directory, entry.name);
        if (entry.isDirectory()) await walk(path);
        else found.push(relative(this.root, path).split(sep).join('/'));
      }
    };
    await walk(base);
    return found.filter((key) => key.startsWith(prefix)).sort();
  }
  async exists(key: string) {
    return (await this.get(key)) !== undefined;
  }
  async getVersioned(key: string) {
    const bytes = await this.get(key);
    return bytes === undefined ? undefined : { bytes, version: contentVersion(bytes) };
  }
  // One process drives the bench's lake: no concurrent writer to guard against.
  async putIfVersion(key: string, body: Uint8Array | string, version: string | null) {
    const current = await this.getVersioned(key);
    if (version === null ? current !== undefined : current?.version !== version) return false;
    await this.put(key, body);
    return true;
  }
}
