/** `tusk-es schema`: prints the JSON Schema of the config model (for editors and JSON tooling). */
import { configJsonSchema } from '../config/jsonSchema.js';

/** Prints the schema; exit 0. */
export function schemaCommand(): number {
  process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
  return 0;
}
