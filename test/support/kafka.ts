/**
 * A Kafka-protocol broker for one test file: librdkafka's mock cluster (Debian librdkafka-dev),
 * run by the small C helper kafkaMock.c that is compiled here with gcc (cached by source hash
 * under /tmp). Its brokers listen on reserved loopback ports they keep while stopped, so a test
 * can stop the broker mid-run and start a new one at the same addresses.
 *
 * The mock keeps its log in memory: a new one starts empty. `hold()` makes it refuse every
 * produce (a retriable error), so a test can let its consumer read what the broker acknowledged
 * before stopping it, which is what a real broker's persistent log gives a consumer.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePackage, whichExecutable } from './packages.js';
import { reservePort, type PortReservation } from './ports.js';
import { logTail, signal, spawnLogged, startReaper, stopChild, waitUntil, type Started } from './processes.js';

/** A topic the helper creates (the mock has no CreateTopics). */
export interface MockTopic {
  name: string;
  partitions: number;
}

/** A mock cluster started by `startKafkaMock`. */
export interface KafkaMock {
  /** `127.0.0.1:PORT` of each broker, the same across stop() and start(). */
  brokers: string[];
  /** Refuses every produce from now on (until stop()), with a retriable error. */
  hold(): Promise<void>;
  /** Stops the helper (SIGTERM, SIGKILL after 5 s): the cluster and its log are gone. */
  stop(): Promise<void>;
  /** Starts a new, empty cluster with the same topics on the same ports. */
  start(): Promise<void>;
  /** Stops it for good: removes its temp dir and releases the ports. */
  close(): Promise<void>;
}

const SOURCE = fileURLToPath(new URL('./kafkaMock.c', import.meta.url));

function run(file: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, args, (error, _stdout, stderr) =>
      error ? reject(new Error(`${file} ${args.join(' ')} failed:\n${stderr}`)) : resolve(),
    );
  });
}

/** The helper's binary: compiled once per source version (parallel workers rename atomically). */
async function helperBinary(): Promise<string> {
  const gcc = await ensurePackage('gcc', () => whichExecutable('gcc'));
  await ensurePackage('libc6-dev', () => (existsSync('/usr/include/stdio.h') ? true : undefined));
  await ensurePackage('librdkafka-dev', () => (existsSync('/usr/include/librdkafka/rdkafka_mock.h') ? true : undefined));
  const source = readFileSync(SOURCE);
  const hash = createHash('sha256')
    .update(source)
    .update(readFileSync('/usr/include/librdkafka/rdkafka_mock.h'))
    .digest('hex')
    .slice(0, 16);
  const bin = join('/tmp', `tusk-es-kafka-mock-${hash}`);
  if (existsSync(bin)) return bin;
  const partial = `${bin}.${process.pid}.tmp`;
  await run(gcc, ['-O2', '-Wall', '-o', partial, SOURCE, '-lrdkafka', '-lpthread']);
  renameSync(partial, bin);
  return bin;
}

/** Starts a mock cluster of `brokers` brokers with `topics` (installing and compiling what is missing). */
export async function startKafkaMock(options: { topics: MockTopic[]; brokers?: number }): Promise<KafkaMock> {
  const bin = await helperBinary();
  const dir = mkdtempSync(join(tmpdir(), 'tusk-kafka-'));
  const reaper = startReaper(dir);
  const reservations: PortReservation[] = [];
  const logFile = join(dir, 'kafka-mock.log');
  let current: Started | undefined;
  let closed = false;
  // Where the current helper's output starts in the shared log file.
  let logStart = 0;
  const output = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(logStart);
    } catch {
      return '';
    }
  };
  const waitFor = (line: string, what: string) =>
    waitUntil(
      what,
      () =>
        output()
          .split('\n')
          .some((l) => l.startsWith(line)),
      {
        timeoutMs: 30_000,
        failed: () => (current?.gone() === true ? 'the kafka mock helper exited' : undefined),
        logFile,
      },
    );

  const stop = async () => {
    if (current !== undefined) await stopChild(current, 'SIGTERM', 5_000);
    current = undefined;
    reaper.track([]);
  };
  const close = async () => {
    closed = true;
    await stop();
    reaper.disarm();
    rmSync(dir, { recursive: true, force: true });
    for (const r of reservations) r.release();
  };

  try {
    for (let i = 0; i < (options.brokers ?? 3); i++) reservations.push(await reservePort());
    const ports = reservations.map((r) => r.port);
    const args = [ports.join(','), ...options.topics.map((t) => `${t.name}:${t.partitions}`)];
    const start = async () => {
      if (closed) throw new Error('this Kafka mock was closed');
      if (current !== undefined && !current.gone()) return;
      logStart = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
      current = spawnLogged(bin, args, logFile, { cwd: dir });
      reaper.track([current.pid]);
      await waitFor('READY ', `the Kafka mock did not start on ports ${ports.join(',')}`);
    };
    await start();
    return {
      brokers: ports.map((p) => `127.0.0.1:${p}`),
      async hold() {
        if (current === undefined || current.gone()) throw new Error(`the Kafka mock is not running:\n${logTail(logFile)}`);
        signal(current.pid, 'SIGUSR1');
        await waitFor('HELD', 'the Kafka mock did not hold produces');
      },
      stop,
      start,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
