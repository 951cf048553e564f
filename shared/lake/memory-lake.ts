import { contentVersion, type Lake } from './lake.ts';

/**
 * A lake in a Map, for tests and experiments that need no S3 server. Given a lake `below`, reads fall
 * through to it for keys not written here, and writes never reach it: an experiment can run a stage
 * over a real lake on disk many times without changing it.
 */
export class MemoryLake implements Lake {
  readonly objects = new Map<string, Uint8Array>();
  constructor(private readonly below?: Lake) {}
  async get(key: string) {
    const bytes = this.objects.get(key);
    if (bytes === undefined) return this.below?.get(key);
    return new Uint8Array(bytes);
  }
  async put(key: string, body: Uint8Array | string) {
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body));
  }
  async list(prefix: string) {
    const here = [...this.objects.keys()].filter((key) => key.startsWith(prefix));
    if (this.below === undefined) return here.sort();
    return [...new Set([...here, ...(await this.below.list(prefix))])].sort();
  }
  async exists(key: string) {
    return this.objects.has(key) || ((await this.below?.exists(key)) ?? false);
  }
  async getVersioned(key: string) {
    const bytes = await this.get(key);
    return bytes === undefined ? undefined : { bytes, version: contentVersion(bytes) };
  }
  async putIfVersion(key: string, body: Uint8Array | string, version: string | null) {
    const current = await this.get(key);
    if (version === null ? current !== undefined : current === undefined || contentVersion(current) !== version) return false;
    await this.put(key, body);
    return true;
  }
}
