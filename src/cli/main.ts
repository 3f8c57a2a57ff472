/**
 * The commander program: parses argv and hands each command to its own module.
 * Exit codes: 0 clean, 1 errors (or warnings with --strict), 2 usage.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import type { CheckOptions } from './check.js';
import type { ServeOptions } from './serve.js';
import type { TestOptions } from './test.js';
import type { FmtOptions } from './fmt.js';
import type { TenantAction, TenantOptions } from './tenant.js';
import { boundYoungGeneration, holdYoungGeneration } from '../util/youngGeneration.js';

// Each command's module is imported when the command runs: a start of `serve` parses and
// evaluates only what serving needs (issue 21; the CLI bundle keeps each in its own chunk).

const TENANT_ACTIONS: readonly TenantAction[] = ['list', 'create', 'disable', 'enable', 'quota', 'delete', 'move'];

/** Collects a repeatable option (`--allow-root A --allow-root B`). */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const ALLOW_ROOT = ['--allow-root <dir>', "a folder @file may also read (repeatable; default: only the config file's folder)"] as const;
/** The option of the commands that work on one store: in a sharded app, the tenant whose store it is. */
const TENANT_OPTION = ['--tenant <id>', 'tenancy "schema"/"database": the tenant whose own store to work on (required there)'] as const;
type TenantOption = { tenant?: string };

/** Builds the program; each action resolves to an exit code. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('tusk-es')
    .description('Config-driven event-sourcing runtime: run and validate .tsk apps.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });

  program
    .command('check')
    .description('parse and validate .tsk files; exit 0 clean, 1 errors, 2 usage')
    .argument('<files...>', '.tsk files to check')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('--strict', 'treat warnings as errors', false)
    .option('--db', 'run @query against the configured database', false)
    .option('--print-model', 'print the normalised model as JSON (secrets redacted)', false)
    .option('--ddl', 'print the DDL of the projection tables', false)
    .option(...ALLOW_ROOT, collect, [])
    .action(async (files: string[], opts: CheckOptions) => setExit(await (await import('./check.js')).checkCommand(files, opts)));

  program
    .command('print')
    .description('print the resolved .tsk tree as JSON (secrets shown as ***)')
    .argument('<file>', '.tsk file')
    .option(...ALLOW_ROOT, collect, [])
    .action(async (file: string, opts: { allowRoot: string[] }) =>
      setExit(await (await import('./print.js')).printCommand(file, opts.allowRoot)),
    );

  program
    .command('serve')
    .description('run the app: event store, HTTP API, projections, sagas, publishers')
    .argument('<file>', 'the app .tsk file')
    .option('--port <port>', 'HTTP port (overrides server.port)')
    .option('--host <host>', 'HTTP host (overrides server.host)')
    .option(...ALLOW_ROOT, collect, [])
    .action(async (file: string, opts: ServeOptions) => {
      holdYoungGeneration(); // until the store is known (serve.ts)
      try {
        setExit(await (await import('./serve.js')).serveCommand(file, opts));
      } finally {
        boundYoungGeneration(undefined);
      }
    });

  program
    .command('rebuild')
    .description('rebuild read models from the event log, with progress')
    .argument('<file>', 'the app .tsk file')
    .argument('[projections...]', 'projections to rebuild (default: all)')
    .option(...TENANT_OPTION)
    .action(async (file: string, names: string[], opts: TenantOption) =>
      setExit(await (await import('./rebuild.js')).rebuildCommand(file, names, opts.tenant)),
    );

  program
    .command('forget')
    .description('forget a data subject: destroy its key, so its personal fields read as erased; exit 0 done, 1 error, 3 unknown subject')
    .argument('<file>', 'the app .tsk file')
    .argument('<subject>', 'the subject id (what personal_data.subject names)')
    .option(...TENANT_OPTION)
    .action(async (file: string, subject: string, opts: TenantOption) =>
      setExit(await (await import('./forget.js')).forgetCommand(file, subject, opts.tenant)),
    );

  program
    .command('tenant')
    .description(
      'tenant operations: list, create, disable, enable, quota, delete, move; exit 0 done, 1 error, 2 usage, 3 unknown (or, on create, existing) tenant',
    )
    .addArgument(new Argument('<action>', 'what to do').choices(TENANT_ACTIONS))
    .argument('<file>', 'the app .tsk file')
    .argument('[id]', 'the tenant id (what the tenant claim of its tokens holds)')
    .option('--events-per-second <n>', 'create, quota: the events/s quota ("none" = no quota)')
    .option('--to <shard>', 'move: the target shard (the move runs online, the servers holding the tenant for its switch)')
    .option('--abort', 'move: undo a move whose process died (the tenant active again at its old place); refused while a move runs')
    .option('--storage-bytes <n>', 'create, quota: the bytes of events the tenant may store, conjoined stores only ("none" = no quota)')
    .action(async (action: TenantAction, file: string, id: string | undefined, opts: TenantOptions) =>
      setExit(await (await import('./tenant.js')).tenantCommand(action, file, id, opts)),
    );

  program
    .command('archive')
    .description('move the streams the archive rules select to the archive, with progress (resumable)')
    .argument('<file>', 'the app .tsk file')
    .option(...TENANT_OPTION)
    .action(async (file: string, opts: TenantOption) => setExit(await (await import('./archive.js')).archiveCommand(file, opts.tenant)));

  program
    .command('hard-delete')
    .description('remove every event of a stream and its read-model rows (projections with on_stream_deleted); exit 0 done, 1 error')
    .argument('<file>', 'the app .tsk file')
    .argument('<type>', 'aggregate type')
    .argument('<id>', 'aggregate id')
    .option(...TENANT_OPTION)
    .action(async (file: string, type: string, id: string, opts: TenantOption) =>
      setExit(await (await import('./removals.js')).hardDeleteCommand(file, type, id, opts.tenant)),
    );

  program
    .command('truncate')
    .description('remove the events of a stream below a version, leaving a closing snapshot of the state; exit 0 done, 1 error')
    .argument('<file>', 'the app .tsk file')
    .argument('<type>', 'aggregate type')
    .argument('<id>', 'aggregate id')
    .requiredOption('--before <version>', 'the events below this version are removed')
    .option(...TENANT_OPTION)
    .action(async (file: string, type: string, id: string, opts: { before: string } & TenantOption) => {
      const before = /^\d{1,9}$/.test(opts.before) ? Number(opts.before) : Number.NaN;
      if (!(before >= 2)) {
        process.stderr.write(`tusk-es truncate: --before must be a version of at least 2, not ${JSON.stringify(opts.before)}\n`);
        return setExit(2);
      }
      setExit(await (await import('./removals.js')).truncateCommand(file, type, id, before, opts.tenant));
    });

  program
    .command('retention')
    .description("apply every aggregate's retention now (what the background job does), with progress; exit 0 done, 1 error")
    .argument('<file>', 'the app .tsk file')
    .option(...TENANT_OPTION)
    .action(async (file: string, opts: TenantOption) => setExit(await (await import('./removals.js')).retentionCommand(file, opts.tenant)));

  program
    .command('test')
    .description(
      'run the scenario tests of .tsk apps (and the *.test.tsk beside them) on an in-memory store; exit 0 passed, 1 failed, 2 usage',
    )
    .argument('<files...>', 'app .tsk files (or their *.test.tsk files)')
    .addOption(new Option('--reporter <reporter>', 'report format').choices(['text', 'tap', 'junit']).default('text'))
    .action(async (files: string[], opts: TestOptions) => setExit(await (await import('./test.js')).testCommand(files, opts)));

  program
    .command('fmt')
    .description(
      'rewrite .tsk files in the canonical layout (folders: their *.tsk files); --check lists the files that would change and exits 1',
    )
    .argument('<files...>', '.tsk files or folders')
    .option('--check', 'change nothing; list the files not in the canonical layout and exit 1 if there are any', false)
    .action(async (files: string[], opts: FmtOptions) => setExit((await import('./fmt.js')).fmtCommand(files, opts)));

  program
    .command('openapi')
    .description('print the OpenAPI 3.1 document of an app (what GET /openapi.json serves)')
    .argument('<file>', 'the app .tsk file')
    .action(async (file: string) => setExit(await (await import('./openapi.js')).openapiCommand(file)));

  program
    .command('schema')
    .description('print the JSON Schema of the config model (generated from its zod schemas)')
    .action(async () => setExit((await import('./schema.js')).schemaCommand()));

  return program;
}

/** Runs the CLI with argv and resolves to the process exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  let exit = 0;
  const program = buildProgram((code) => {
    exit = code;
  });
  try {
    await program.parseAsync([...argv]);
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are not failures; everything else commander rejects is usage (2)
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    process.stderr.write(`tusk-es: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return exit;
}
