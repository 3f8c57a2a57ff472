/** `tusk-es check`: parse and validate .tsk files. */
export interface CheckOptions {
  format: 'text' | 'json' | 'github';
  strict: boolean;
  db: boolean;
  printModel: boolean;
  ddl: boolean;
}

/** Runs `check` and resolves to the exit code. */
export async function checkCommand(files: string[], _opts: CheckOptions): Promise<number> {
  process.stderr.write(`tusk-es check: not implemented yet (${files.join(', ')})\n`);
  return 1;
}
