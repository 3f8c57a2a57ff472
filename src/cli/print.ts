/** `tusk-es print`: the resolved tree as JSON. */
export async function printCommand(file: string): Promise<number> {
  process.stderr.write(`tusk-es print: not implemented yet (${file})\n`);
  return 1;
}
