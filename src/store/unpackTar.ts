/**
 * Unpacks a gzipped tar into a directory as it is inflated, a chunk at a time. Inflating the
 * embedded store's template whole held ~25 MB at once, and the C heap kept ~30 MB of it after
 * it was freed: an idle server's RSS that its first start paid for (issue 21). Runs of zeros
 * are left as holes (the 16 MB WAL segment is almost all zeros).
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;
const ZEROS = Buffer.alloc(64 * 1024);

/** A regular file entry being written. */
interface Entry {
  name: string;
  path: string;
  size: number;
  offset: number;
  /** Open file, or undefined for the entry kept for last (its bytes gather in `kept`). */
  fd: number | undefined;
  kept: Buffer[];
}

/**
 * Unpacks `gzipped` into `dir`; the entry named `last` (relative, e.g. "PG_VERSION") is
 * written after every other, so an interrupted unpack never looks complete. Refuses a name
 * that points outside `dir`.
 */
export async function unpackTarGz(gzipped: Buffer, dir: string, last: string): Promise<void> {
  const root = resolve(dir);
  const made = new Set<string>();
  const makeDir = (path: string) => {
    if (made.has(path)) return;
    mkdirSync(path, { recursive: true });
    made.add(path);
  };
  let carry = Buffer.alloc(0);
  let entry: Entry | undefined;
  let padding = 0;
  let ended = false;
  let deferred: { path: string; data: Buffer } | undefined;

  const header = (block: Buffer): void => {
    const field = (from: number, length: number) => block.toString('utf8', from, from + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = ((prefix === '' ? '' : `${prefix}/`) + field(0, 100)).replace(/^\/+/, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(block[156]!);
    const path = resolve(root, `.${sep}${name}`);
    if (path !== root && !path.startsWith(root + sep)) throw new Error(`the data dir template names a path outside it: ${name}`);
    padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (type === '5') makeDir(path);
    if (type !== '0' && type !== '\0') {
      padding += size; // not a regular file: skip its bytes
      return;
    }
    makeDir(dirname(path));
    entry = { name, path, size, offset: 0, fd: name === last ? undefined : openSync(path, 'w', 0o600), kept: [] };
    if (size === 0) finishEntry();
  };

  const finishEntry = (): void => {
    const e = entry!;
    entry = undefined;
    if (e.fd === undefined) {
      deferred = { path: e.path, data: Buffer.concat(e.kept) };
      return;
    }
    try {
      ftruncateSync(e.fd, e.size);
    } finally {
      closeSync(e.fd);
    }
  };

  const write = (bytes: Buffer): void => {
    const e = entry!;
    if (e.fd === undefined) e.kept.push(Buffer.from(bytes));
    else if (!isZero(bytes)) writeSync(e.fd, bytes, 0, bytes.length, e.offset);
    e.offset += bytes.length;
    if (e.offset === e.size) finishEntry();
  };

  for await (const chunk of Readable.from([gzipped]).pipe(createGunzip({ chunkSize: 256 * 1024 }))) {
    let buf: Buffer = carry.length === 0 ? (chunk as Buffer) : Buffer.concat([carry, chunk as Buffer]);
    while (buf.length > 0 && !ended) {
      if (entry !== undefined) {
        const n = Math.min(entry.size - entry.offset, buf.length);
        write(buf.subarray(0, n));
        buf = buf.subarray(n);
      } else if (padding > 0) {
        // the rest of the entry's last block, or the bytes of an entry that is not a file
        const n = Math.min(padding, buf.length);
        padding -= n;
        buf = buf.subarray(n);
      } else if (buf.length < BLOCK) {
        break;
      } else if (buf[0] === 0) {
        ended = true; // the zero blocks that end a tar
      } else {
        header(buf.subarray(0, BLOCK));
        buf = buf.subarray(BLOCK);
      }
    }
    carry = ended ? Buffer.alloc(0) : Buffer.from(buf);
  }
  if (entry !== undefined) throw new Error(`the data dir template ends inside ${entry.name}`);
  if (deferred === undefined) throw new Error(`the data dir template has no ${last}`);
  writeFileSync(deferred.path, deferred.data);
}

/** True when every byte of `bytes` is zero (compared a 64 KB run at a time). */
function isZero(bytes: Buffer): boolean {
  for (let at = 0; at < bytes.length; at += ZEROS.length) {
    const part = bytes.subarray(at, at + ZEROS.length);
    if (!part.equals(ZEROS.subarray(0, part.length))) return false;
  }
  return true;
}
