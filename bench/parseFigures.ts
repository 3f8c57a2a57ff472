/**
 * Config figures (issue 2): parse + validate of a generated 1 MB .tsk, through the whole
 * pipeline `check` and `serve` run (parse, operators, aliases, zod, cross-checks, expression
 * checks). Two files: test/support/largeTsk.ts (every syntax style, mostly unknown blocks, so
 * mostly parsing) and a 1 MB app of real aggregates (mostly validation).
 */
import { loadConfigText } from '../src/config/loadConfig.js';
import { generateLargeTsk } from '../test/support/largeTsk.js';
import type { BenchContext } from './BenchContext.js';
import { elapsedMs } from './harness.js';
import { measurePeak } from './parsePeak.js';

const BYTES = 1_000_000;

/** About `bytes` of a valid app: many aggregates with commands, rules, apply and unique fields. */
export function generateLargeApp(bytes: number): string {
  const parts = ['server = { port = 4000 }\n\naggregates = {\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const block = `    account_${i} = {
        snapshot_frequency = ${50 + (i % 100)}
        state = { email = "", name = "", status = "none", balance = 0 }
        unique = ["email"]
        status_field = "status"
        valid_status_transitions = { "none" = ["active"], "active" = ["closed"] }
        commands = {
            Open${i} = { creates = true, input = { email = "email", name = { type = "string", min = 1, max = 100 } }, emits = "Opened${i}" }
            Deposit${i} = {
                input = { amount = { type = "number", min = 0 } }
                require = [{ when = "status == 'active' AND input.amount > 0", message = "only active accounts take deposits" }]
                emit = { type = "Deposited${i}", data = { amount = "input.amount", at = "NOW()" } }
            }
            Close${i} = { require = ["status != 'closed'"], emits = "Closed${i}" }
        }
        apply = {
            Opened${i} = { email = "data.email", name = "data.name", status = "'active'" }
            Deposited${i} = { balance = "balance + COALESCE(data.amount, 0)" }
            Closed${i} = { status = "'closed'" }
        }
    }
`;
    parts.push(block);
    size += block.length;
  }
  parts.push('}\n');
  return parts.join('');
}

/** CPU milliseconds (user + system, every thread of the process: GC helpers too) of each `parseMs` call. */
const cpuSamples: number[] = [];

async function parseMs(text: string, expectModel: boolean): Promise<number> {
  let errors = 0;
  let model = false;
  const cpu = process.cpuUsage();
  const ms = await elapsedMs(async () => {
    const loaded = await loadConfigText(text, 'large.tsk', { mode: 'check', env: {} });
    errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
    model = loaded.model !== undefined;
  });
  const used = process.cpuUsage(cpu);
  cpuSamples.push((used.user + used.system) / 1000);
  if (errors > 0 || model !== expectModel) throw new Error(`the generated .tsk did not load cleanly (${errors} errors)`);
  return ms;
}

/** The CPU time of the timed runs of the figure just measured (its last `runs` calls). */
function cpuOf(runs: number): number[] {
  return cpuSamples.splice(0).slice(-runs);
}

/** The parse + validate figures. */
export async function parseFigures(ctx: BenchContext): Promise<void> {
  const syntax = generateLargeTsk(BYTES);
  await ctx.report.figure(
    {
      id: 'parse_1mb',
      title: `parse + validate a generated 1 MB .tsk of every syntax style (${(syntax.length / 1e6).toFixed(2)} MB)`,
      unit: 'ms',
      lowerIsBetter: true,
    },
    () => parseMs(syntax, true),
  );
  const cpu1 = ctx.report.record(
    {
      id: 'parse_1mb_cpu',
      title: 'parse_1mb as CPU time of the process (user + system, GC threads included; less moved by other work on the machine)',
      unit: 'ms',
      lowerIsBetter: true,
    },
    cpuOf(3),
  );
  const big = generateLargeTsk(10 * BYTES);
  await ctx.report.figure(
    {
      id: 'parse_10mb',
      title: `parse + validate a generated 10 MB .tsk of every syntax style (${(big.length / 1e6).toFixed(2)} MB; linear: ≤ 10× parse_1mb's target)`,
      unit: 'ms',
      lowerIsBetter: true,
    },
    () => parseMs(big, true),
    1,
    0,
  );
  const cpu10 = ctx.report.record(
    {
      id: 'parse_10mb_cpu',
      title: 'parse_10mb as CPU time of the process (user + system, GC threads included)',
      unit: 'ms',
      lowerIsBetter: true,
    },
    cpuOf(1),
  );
  ctx.report.record(
    {
      id: 'parse_linearity',
      title: 'linearity: parse_10mb_cpu / (10 × parse_1mb_cpu median) (1 = linear)',
      unit: '×',
      lowerIsBetter: true,
    },
    [cpu10.median / (10 * cpu1.median)],
  );
  const peaks: number[] = [];
  for (let i = 0; i < 3; i++) peaks.push((await measurePeak(10 * BYTES)).ratio);
  ctx.report.record(
    {
      id: 'parse_rss',
      title: 'peak memory of check on the 10 MB .tsk, over its size (child process: peak RSS growth / input bytes)',
      unit: '× input',
      lowerIsBetter: true,
    },
    peaks,
  );
  const app = generateLargeApp(BYTES);
  await ctx.report.figure(
    {
      id: 'parse_1mb_app',
      title: `parse + validate a generated 1 MB app of real aggregates (${(app.length / 1e6).toFixed(2)} MB)`,
      unit: 'ms',
      lowerIsBetter: true,
    },
    () => parseMs(app, true),
  );
  cpuSamples.length = 0;
}
