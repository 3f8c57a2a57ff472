/**
 * The directory of the files tier (issue 16 item 3): one gzip file of newline-delimited JSON
 * per archived batch, readable with `zcat`. A file is written under a temporary name, fsynced,
 * renamed into place (and the directory fsynced), then read back and checked before the store
 * deletes its events; its name holds its first and last positions and the sha256 of its
 * content, so the same batch always makes the same file and a run resumed after a crash
 * simply writes it again. Reads check the digest too, and keep the newest files parsed. A
 * line is an events row as JSON (eventRow.ts; `created_at` a UTC text).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { StoredEvent } from '../EventStore.js';
import { toStoredEvent, type EventRow } from '../eventRow.js';

const zip = promisify(gzip);
const unzip = promisify(gunzip);

/** Files kept parsed in memory (a rebuild reads the files of one stretch of the log again and again). */
const CACHED = 16;

/** A file written and verified, ready for the manifest. */
export interface WrittenFile {
  name: string;
  sha256: string;
  events: number;
}

/** The archive files of one store. */
export class ArchiveDirectory {
  readonly path: string;
  private readonly cache = new Map<string, Promise<StoredEvent[]>>();

  constructor(dir: string) {
    this.path = resolve(dir);
  }

  /**
   * Writes `lines` (one JSON text per event, in position order) as one file: temp name, fsync,
   * rename, fsync of the directory; then reads it back and compares digest and count.
   */
  async write(lines: readonly string[], first: number, last: number): Promise<WrittenFile> {
    const content = Buffer.from(lines.join('\n') + '\n', 'utf8');
    const sha256 = createHash('sha256').update(content).digest('hex');
    const name = `events-${pad(first)}-${pad(last)}-${sha256.slice(0, 16)}.ndjson.gz`;
    await mkdir(this.path, { recursive: true });
    const final = join(this.path, name);
    const temp = join(this.path, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const file = await open(temp, 'w');
      try {
        await file.writeFile(await zip(content));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, final);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDirectory(this.path);
    // read back from the disk: the same digest means the same lines, hence the same events
    const back = await this.content(name, sha256);
    if (!back.equals(content)) throw new Error(`archive file ${final}: what was read back differs from what was written`);
    return { name, sha256, events: lines.length };
  }

  /** The events of a file listed in the manifest (digest checked), in position order. */
  events(name: string, sha256: string): Promise<StoredEvent[]> {
    let parsed = this.cache.get(name);
    if (parsed === undefined) {
      parsed = this.readChecked(name, sha256);
      parsed.catch(() => this.cache.delete(name));
      this.cache.set(name, parsed);
      if (this.cache.size > CACHED) this.cache.delete(this.cache.keys().next().value!);
    }
    return parsed;
  }

  /** The uncompressed content of a file, checked against its sha256. */
  private async content(name: string, sha256: string): Promise<Buffer> {
    const path = join(this.path, name);
    const content = await unzip(await readFile(path));
    const actual = createHash('sha256').update(content).digest('hex');
    if (actual !== sha256) throw new Error(`archive file ${path} is damaged: its sha256 is ${actual}, the manifest says ${sha256}`);
    return content;
  }

  private async readChecked(name: string, sha256: string): Promise<StoredEvent[]> {
    const text = (await this.content(name, sha256)).toString('utf8');
    const events: StoredEvent[] = [];
    for (const line of text.split('\n')) if (line !== '') events.push(toStoredEvent(JSON.parse(line) as EventRow));
    return events;
  }
}

/** Positions zero-padded, so `ls` lists the files in log order. */
function pad(position: number): string {
  return String(position).padStart(12, '0');
}

/** Makes a rename in `dir` durable. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
