/**
 * Peak memory of `check` on a generated file, measured in a child process of its own (so no
 * earlier figure's heap counts): the growth of the peak RSS (`maxRSS`) over the RSS after the
 * text was generated and collected, divided by the text's size. Run by `parseFigures`;
 * `node dist/bench/parsePeak.js <bytes>` prints `{ ratio, peakMb, inputMb, ms }`.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfigText } from '../src/config/loadConfig.js';
import { generateLargeTsk } from '../test/support/largeTsk.js';

export interface PeakResult {
  ratio: number;
  peakMb: number;
  inputMb: number;
  ms: number;
}

/** Runs the measurement in a fresh node process and resolves to its result. */
export function measurePeak(bytes: number): Promise<PeakResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [String(bytes)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as PeakResult) : reject(new Error(`parsePeak exited ${code}`))));
  });
}

async function main(bytes: number): Promise<void> {
  const text = generateLargeTsk(bytes);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  const t0 = performance.now();
  const loaded = await loadConfigText(text, 'large.tsk', { mode: 'check', env: {} });
  const ms = performance.now() - t0;
  if (loaded.model === undefined) throw new Error('the generated .tsk did not load cleanly');
  const peak = process.resourceUsage().maxRSS * 1024 - before;
  const inputMb = text.length / 1e6;
  process.stdout.write(JSON.stringify({ ratio: peak / text.length, peakMb: peak / 1e6, inputMb, ms }));
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(Number(process.argv[2])).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
