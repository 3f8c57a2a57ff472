/**
 * The admin page's static files (`/admin`, `/admin/assets/*`), built into dist/admin by
 * `npm run build` and shipped in the package. They hold no data, so they are served without
 * auth (as is /admin/auth, which says whether a token is needed); the page asks for the token
 * and sends it on every API call.
 */
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Runtime } from '../../runtime/Runtime.js';
import { NotFoundError } from '../../errors.js';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
};

/** The folder of the built page: dist/admin, from the compiled routes, the CLI bundle (dist/cli) or the sources. */
export function adminAssetsDir(): string | undefined {
  const candidates = ['../../../admin/', '../admin/', '../../../dist/admin/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}assets/app.js`));
}

/** Registers /admin, /admin/assets/:file and /admin/auth. */
export function registerAdminPageRoutes(app: FastifyInstance, runtime: Runtime): void {
  const dir = adminAssetsDir();
  // Read once: the files are small and never change while the server runs.
  const cache = new Map<string, Buffer>();
  const file = (name: string): Buffer => {
    let body = cache.get(name);
    if (body === undefined) {
      if (dir === undefined || !existsSync(dir + name)) throw new NotFoundError('NOT_FOUND', `no admin file ${name} (run npm run build)`);
      cache.set(name, (body = readFileSync(dir + name)));
    }
    return body;
  };
  const page = async (_req: unknown, reply: FastifyReply) =>
    reply
      .type(TYPES['.html']!)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
      .send(file('index.html'));
  // Whether to ask for a token: the page learns it without making a refused request.
  app.get('/admin/auth', () => ({ token_required: runtime.model.server.auth !== undefined }));
  app.get('/admin', page);
  app.get('/admin/', page);
  app.get<{ Params: { file: string } }>('/admin/assets/:file', async (request, reply) => {
    const name = request.params.file;
    const ext = /^[\w.-]+(\.\w+)$/.exec(name)?.[1];
    if (ext === undefined || TYPES[ext] === undefined || name.includes('..')) throw new NotFoundError('NOT_FOUND', `no admin file ${name}`);
    return reply
      .type(TYPES[ext])
      .header('cache-control', 'no-cache')
      .send(file(`assets/${name}`));
  });
}
