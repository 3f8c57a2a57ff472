/**
 * `tusk-es serve <file> [--port N] [--host H]`: load the config, open the store, serve the
 * HTTP API until SIGTERM/SIGINT, then shut down gracefully (in-flight requests finish, the
 * store closes) and exit 0.
 */
import { existsSync } from 'node:fs';
import { formatText, hasFailures } from '../diagnostics.js';
import { loadApp } from '../runtime/loadApp.js';
import { startApp, type StartedApp } from '../runtime/startApp.js';
import { redact } from '../tsk/redact.js';
import { stderrColor } from './print.js';
import { boundYoungGeneration } from '../util/youngGeneration.js';

/**
 * The young generation of a server on the embedded store, in MB (it ends at 8, see
 * youngGeneration.ts): PostgreSQL runs in this process there, and most of a command's CPU is
 * its WebAssembly, not JavaScript garbage, so a smaller new space costs little and saves
 * ~24 MB of resident memory. On PostgreSQL V8 sizes it as usual: the HTTP path's allocations
 * are most of that server's work. (main.ts holds its growth while serve loads and starts.)
 */
const EMBEDDED_YOUNG_GENERATION_MB = 16;

/** Options of `tusk-es serve`. */
export interface ServeOptions {
  port?: string;
  host?: string;
  /** Folders besides the config file's own that `@file` may read. */
  allowRoot?: string[];
}

/** Runs the server until SIGTERM/SIGINT; resolves to the exit code. */
export async function serveCommand(file: string, opts: ServeOptions): Promise<number> {
  if (!existsSync(file)) {
    process.stderr.write(`tusk-es serve: ${file}: no such file\n`);
    return 1;
  }
  let port: number | undefined;
  if (opts.port !== undefined) {
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) {
      process.stderr.write(`tusk-es serve: --port must be a number from 0 to 65535, got '${opts.port}'\n`);
      return 2;
    }
    port = Number(opts.port);
  }
  const { model, diagnostics, document } = await loadApp(file, { mode: 'serve', runQueries: true, allowRoots: opts.allowRoot ?? [] });
  const secrets = document?.secrets ?? new Set<string>();
  if (diagnostics.length > 0) {
    process.stderr.write(
      `${formatText(
        diagnostics.map((d) => redact(d, secrets)),
        { color: stderrColor() },
      )}\n`,
    );
  }
  if (model === undefined || hasFailures(diagnostics)) return 1;

  let started: StartedApp;
  try {
    started = await startApp(model, {
      ...(port !== undefined ? { port } : {}),
      ...(opts.host !== undefined ? { host: opts.host } : {}),
      secrets,
      diagnostics,
    });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`tusk-es serve: cannot start: ${redact(message, secrets)}\n`);
    return 1;
  }
  // After the start's synchronous stretches, when a check after each collection comes in time.
  boundYoungGeneration(model.event_store.type === 'embedded' ? EMBEDDED_YOUNG_GENERATION_MB : undefined);
  process.stdout.write(`tusk-es listening on ${started.url}\n`);
  return waitForSignal(started);
}

/** Resolves to 0 after a graceful shutdown on the first SIGTERM/SIGINT; a second one forces exit. */
function waitForSignal(started: StartedApp): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        process.stderr.write(`tusk-es: ${signal} again, exiting now\n`);
        process.exit(1);
      }
      stopping = true;
      started.runtime.logger.info({ signal }, 'shutting down');
      started
        .close()
        .then(() => {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          // Anything that still holds the event loop (a stuck client socket) must not keep us up.
          setTimeout(() => process.exit(0), 2000).unref();
          resolve(0);
        })
        .catch((err: unknown) => {
          process.stderr.write(`tusk-es: shutdown failed: ${err instanceof Error ? err.message : String(err)}\n`);
          resolve(1);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
