/** `tusk-es rebuild`: rebuild projections. */
export async function rebuildCommand(file: string, names: string[]): Promise<number> {
  process.stderr.write(`tusk-es rebuild: not implemented yet (${file} ${names.join(' ')})\n`);
  return 1;
}
