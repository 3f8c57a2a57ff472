/** A generator of large, valid .tsk text for the parser benchmark and scale tests. */

/**
 * About `bytes` of .tsk in all styles (brace blocks, sections, arrays of objects, comments,
 * operators with defaults, variables), deterministic so runs are comparable.
 */
export function generateLargeTsk(bytes: number): string {
  const parts: string[] = ['# generated: do not edit\n$region = "eu"\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const block =
      i % 2 === 0
        ? `// aggregate ${i}\naggregate_${i} = {\n    table = "t_${i}"\n    snapshot_frequency = ${i % 500}\n    enabled = true\n` +
          `    region = $region + "-${i}"\n    url = @env("URL_${i}", "postgres://localhost/db${i}")\n` +
          `    events = ["Created${i}", "Updated${i}", "Deleted${i}",]\n    steps = [\n        { name = "a", retries = 3 },\n        { name = "b", ratio = 0.5 }\n    ]\n` +
          `    "quoted key" = 'single # not a comment'\n}\n\n`
        : `[section_${i}]\nhost: localhost # inline\nport: ${1000 + (i % 9000)}\nmode: production\nlimit: ${i} > 10 ? "big" : "small"\n\n`;
    parts.push(block);
    size += block.length;
  }
  return parts.join('');
}
