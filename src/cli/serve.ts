/** `tusk-es serve`: run the app. */
export interface ServeOptions {
  port?: string;
  host?: string;
}

/** Runs the server until SIGTERM/SIGINT; resolves to the exit code. */
export async function serveCommand(file: string, _opts: ServeOptions): Promise<number> {
  process.stderr.write(`tusk-es serve: not implemented yet (${file})\n`);
  return 1;
}
