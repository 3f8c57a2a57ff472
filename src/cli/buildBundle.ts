/**
 * `npm run build` runs this after tsc: it bundles the CLI (dist/src/cli/main.js and what it
 * imports, npm packages included) into dist/cli/, which bin/tusk-es runs when it is there.
 * Node's module loader was a third of a start's CPU (issue 21: ~1,100 ES modules, 640 of them
 * lodash-es files under chevrotain, each resolved, read and compiled on its own); one bundle
 * with a chunk per lazily imported part halves it. Packages that read files next to their own
 * code (PGlite's WebAssembly) or that load only when configured (drivers, OpenTelemetry) stay
 * outside, loaded from node_modules as before.
 */
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/src/cli/buildBundle.js → dist/
const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Loaded from node_modules: they find files beside their own modules, or load only when configured. */
const EXTERNAL = ['@electric-sql/pglite', 'pg', 'pg-copy-streams', 'ioredis', 'amqplib', 'kafkajs', '@opentelemetry/*', 'swagger-ui-dist'];

rmSync(join(DIST, 'cli'), { recursive: true, force: true });
await build({
  entryPoints: { main: join(DIST, 'src', 'cli', 'main.js') },
  outdir: join(DIST, 'cli'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  // CommonJS packages inside an ES module bundle call require(): give them Node's.
  banner: {
    js: "import { createRequire as __tuskCreateRequire } from 'node:module'; const require = __tuskCreateRequire(import.meta.url);",
  },
  // Smaller source, less to parse and to keep in the heap (V8 holds a module's text for lazy
  // compilation). The map serves `node --enable-source-maps`. No keepNames: it wraps every
  // function expression in a __name() call that defines `name` on each closure as it is made,
  // and fastify and pino make several per request (~5% of a server's CPU under http_64).
  // Identifiers are not minified, so names stay as written unless two modules' top-level
  // names collide; errors take theirs from their class (errors.ts), hence the check below.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  logLevel: 'warning',
  legalComments: 'none',
});
assertErrorNamesKept(join(DIST, 'cli'));

/**
 * Fails the build when the bundle renamed an error class (`class ConflictError2`, a collision
 * with another module's top-level name): its errors would report that name.
 */
function assertErrorNamesKept(dir: string): void {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const renamed = /class ([A-Z]\w*Error)\d+ extends/.exec(readFileSync(join(dir, file), 'utf8'));
    if (renamed !== null) throw new Error(`the bundle renamed the error class ${renamed[1]} (${file}): rename one of the colliding names`);
  }
}
