// Builds the admin page into dist/admin (run by `npm run build`): one ES module bundle with
// preact inside, the stylesheet and the HTML shell. No CDN and no network at run time.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const out = here('../dist/admin/');
mkdirSync(`${out}assets`, { recursive: true });
await build({
  entryPoints: [here('./src/main.tsx')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outfile: `${out}assets/app.js`,
  logLevel: 'warning',
  legalComments: 'none',
});
copyFileSync(here('./app.css'), `${out}assets/app.css`);
copyFileSync(here('./index.html'), `${out}index.html`);
