/**
 * The cost of tracing (issue 19): `http_64` against two `tusk-es serve` processes on the same
 * PostgreSQL, one without `telemetry` and one tracing every command (`sample_ratio = 1`) to a
 * local OTLP/HTTP sink in a process of its own (otlpSink.ts), measured in alternating pairs (warm-up pair, then
 * PAIRS pairs, order swapped every pair). The cost is 1 - traced/untraced of each pair (median).
 * On a machine shared with other work the rates move with its load; the server's own CPU time
 * per command (/proc/<pid>/stat, user + system) is measured too, as the steadier reading.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext } from './BenchContext.js';
import { checked, runLoad } from './httpLoad.js';
import { appFile, distinctStreams } from './httpFigures.js';
import { serverNodeArgs, startServe } from './ServerProcess.js';
import { startSink } from './otlpSink.js';

/**
 * Timed pairs: even, so each server runs first in half of them (the second run of a pair shares
 * the machine with the first one's tail: the traced server's last export, PostgreSQL's
 * background writes), and 6, not 3: at `--seconds 2` one pair moves by ±10 points, and the
 * median of 3 moved with it (bench/README.md, tracing).
 */
const PAIRS = 6;

/** The tracing figures, on a fresh database. */
export async function tracingFigures(ctx: BenchContext): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tusk-bench-'));
  const sink = await startSink();
  const pgUrl = await ctx.newDatabase();
  const plainFile = join(dir, 'plain.tsk');
  const tracedFile = join(dir, 'traced.tsk');
  writeFileSync(plainFile, appFile(pgUrl));
  writeFileSync(tracedFile, `${appFile(pgUrl)}telemetry = { otlp_endpoint = "${sink.url}", sample_ratio = 1 }\n`);
  const plain = await startServe(plainFile, serverNodeArgs());
  const traced = await startServe(tracedFile, serverNodeArgs());
  try {
    let run = 0;
    const cpuPerCommand = { plain: [] as number[], traced: [] as number[], plainMain: [] as number[], tracedMain: [] as number[] };
    const rate = async (server: typeof plain, cpu: number[], mainCpu: number[]) => {
      const before = server.cpuSeconds();
      const mainBefore = server.cpuSeconds(true);
      const r = checked(await runLoad(server.url, 64, ctx.runSeconds, distinctStreams(`t${run++}`)), 'tracing').rate;
      cpu.push((1e6 * (server.cpuSeconds() - before)) / (r * ctx.runSeconds));
      mainCpu.push((1e6 * (server.cpuSeconds(true) - mainBefore)) / (r * ctx.runSeconds));
      return r;
    };
    const untracedRates: number[] = [];
    const tracedRates: number[] = [];
    const spansPerCommand: number[] = [];
    for (let i = 0; i <= PAIRS; i++) {
      const spansBefore = await sink.spans();
      let t = 0;
      let p = 0;
      if (i % 2 === 0) {
        p = await rate(plain, cpuPerCommand.plain, cpuPerCommand.plainMain);
        t = await rate(traced, cpuPerCommand.traced, cpuPerCommand.tracedMain);
      } else {
        t = await rate(traced, cpuPerCommand.traced, cpuPerCommand.tracedMain);
        p = await rate(plain, cpuPerCommand.plain, cpuPerCommand.plainMain);
      }
      // spans are exported within a few hundred ms: wait for this run's last ones
      await new Promise((r) => setTimeout(r, 2500));
      if (i === 0) {
        for (const list of Object.values(cpuPerCommand)) list.length = 0;
        continue;
      }
      untracedRates.push(p);
      tracedRates.push(t);
      spansPerCommand.push(((await sink.spans()) - spansBefore) / (t * ctx.runSeconds));
    }
    ctx.report.record(
      { id: 'http_64_untraced', title: 'HTTP commands, 64 clients, no telemetry (paired with http_64_traced)', unit: 'commands/s' },
      untracedRates,
    );
    ctx.report.record(
      {
        id: 'http_64_traced',
        title: 'HTTP commands, 64 clients, every command traced (sample_ratio = 1, OTLP/HTTP to a local sink)',
        unit: 'commands/s',
      },
      tracedRates,
    );
    ctx.report.record(
      { id: 'tracing_spans', title: 'spans exported per traced command (sink count / commands)', unit: 'spans' },
      spansPerCommand,
    );
    ctx.report.record(
      { id: 'cpu_per_command_untraced', title: 'server CPU per command, no telemetry', unit: 'µs', lowerIsBetter: true },
      cpuPerCommand.plain,
    );
    ctx.report.record(
      { id: 'cpu_per_command_traced', title: 'server CPU per command, every command traced', unit: 'µs', lowerIsBetter: true },
      cpuPerCommand.traced,
    );
    ctx.report.record(
      { id: 'cpu_main_per_command_untraced', title: 'server main-thread CPU per command, no telemetry', unit: 'µs', lowerIsBetter: true },
      cpuPerCommand.plainMain,
    );
    ctx.report.record(
      {
        id: 'cpu_main_per_command_traced',
        title: 'server main-thread CPU per command, every command traced (the export runs in a worker thread)',
        unit: 'µs',
        lowerIsBetter: true,
      },
      cpuPerCommand.tracedMain,
    );
    ctx.report.record(
      {
        id: 'tracing_cpu_cost',
        title:
          'cost of tracing in server CPU: 1 - untraced/traced CPU per command, per pair (the rate cost if the server were the bottleneck)',
        unit: '%',
        lowerIsBetter: true,
      },
      cpuPerCommand.traced.map((t, i) => 100 * (1 - cpuPerCommand.plain[i]! / t)),
    );
    ctx.report.record(
      { id: 'tracing_cost', title: 'cost of tracing every command: 1 - traced/untraced http_64, per pair', unit: '%', lowerIsBetter: true },
      tracedRates.map((t, i) => 100 * (1 - t / untracedRates[i]!)),
    );
  } finally {
    await traced.stop();
    await plain.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
