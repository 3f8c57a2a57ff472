/** `tusk-es openapi <file>`: prints the app's OpenAPI 3.1 document (what GET /openapi.json serves). */
import { formatText, hasFailures } from '../diagnostics.js';
import { appOpenApi } from '../openapi/appOpenApi.js';
import { loadApp } from '../runtime/loadApp.js';
import { stderrColor } from './print.js';

/** Prints the document; exit 1 (diagnostics on stderr) when the file has errors. */
export async function openapiCommand(file: string): Promise<number> {
  const loaded = await loadApp(file, { mode: 'check', runQueries: false });
  if (loaded.diagnostics.length > 0) process.stderr.write(`${formatText(loaded.diagnostics, { color: stderrColor() })}\n`);
  if (loaded.model === undefined || hasFailures(loaded.diagnostics)) return 1;
  process.stdout.write(`${JSON.stringify(await appOpenApi(loaded.model), null, 2)}\n`);
  return 0;
}
