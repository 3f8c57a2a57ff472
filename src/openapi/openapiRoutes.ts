/**
 * `GET /openapi.json` (the document of this server: its model and the routes it registered)
 * and `GET /docs`, Swagger UI served from the installed `swagger-ui-dist` package (no CDN).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors.js';
import type { Runtime } from '../runtime/Runtime.js';
import { buildOpenApi, type RegisteredRoute } from './buildOpenApi.js';
import { getOwn } from '../util/setOwn.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
};

/** Registers /openapi.json and /docs; `routes` is read when the document is first asked for. */
export function registerOpenApiRoutes(app: FastifyInstance, runtime: Runtime, routes: readonly RegisteredRoute[]): void {
  let document: string | undefined;
  app.get('/openapi.json', async (_request, reply) => {
    document ??= JSON.stringify(buildOpenApi(runtime.model, routes));
    return reply.type('application/json; charset=utf-8').send(document);
  });
  app.get('/docs', async (_request, reply) => reply.type('text/html; charset=utf-8').send(DOCS_PAGE));
  app.get<{ Params: { file: string } }>('/docs/assets/:file', async (request, reply) => {
    const type = getOwn(ASSETS, request.params.file);
    if (type === undefined) throw new NotFoundError('NOT_FOUND', `no asset ${JSON.stringify(request.params.file)}`);
    return reply
      .type(type)
      .header('cache-control', 'public, max-age=86400')
      .send(readFileSync(join(swaggerUiDir(), request.params.file)));
  });
}

let dir: string | undefined;
function swaggerUiDir(): string {
  dir ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return dir;
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tusk-es API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#api', deepLinking: true });
</script>
</body>
</html>
`;
