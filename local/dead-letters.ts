import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** An asynchronous invocation that failed every attempt: what Lambda would send to the on-failure destination. */
export interface DeadLetter {
  id: string;
  functionName: string;
  event: unknown;
  /** The S3 object that triggered the invocation, when it was an S3 event. */
  objectKey?: string;
  attempts: number;
  error: { name: string; message: string; stack?: string };
  firstAttemptAt: string;
  lastAttemptAt: string;
}

/**
 * Dead letters of local runs, one JSON file each under `<data dir>/dead-letters/`, so a person can
 * read them and `redrive` can replay them. The id is a digest of (function, event): a second failure
 * of the same event replaces its letter instead of piling up copies.
 */
export class DeadLetterStore {
  constructor(readonly directory: string) {}

  static idOf(functionName: string, event: unknown): string {
    return createHash('sha256').update(functionName).update(JSON.stringify(event)).digest('hex').slice(0, 16);
  }

  async add(letter: Omit<DeadLetter, 'id'>): Promise<DeadLetter> {
    const full: DeadLetter = { id: DeadLetterStore.idOf(letter.functionName, letter.event), ...letter };
    await mkdir(this.directory, { recursive: true });
    await writeFile(join(this.directory, `${full.id}.json`), `${JSON.stringify(full, null, 2)}\n`);
    return full;
  }

  async list(): Promise<DeadLetter[]> {
    let files: string[];
    try {
      files = (await readdir(this.directory)).filter((file) => file.endsWith('.json')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const letters = await Promise.all(files.map(async (file) => JSON.parse(await readFile(join(this.directory, file), 'utf8')) as DeadLetter));
    return letters.sort((a, b) => a.firstAttemptAt.localeCompare(b.firstAttemptAt) || a.id.localeCompare(b.id));
  }

  async remove(id: string): Promise<void> {
    await rm(join(this.directory, `${id}.json`), { force: true });
  }
}
