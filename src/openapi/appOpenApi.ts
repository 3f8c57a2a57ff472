/**
 * The OpenAPI document of an app without serving it (`tusk-es openapi`): the server is built
 * over an in-memory scratch store, never started, so the document lists exactly the routes
 * `serve` would register.
 */
import { pino } from 'pino';
import type { AppConfig } from '../config/schema/app.js';
import { buildServer, registeredRoutes } from '../http/buildServer.js';
import { FEATURES } from '../runtime/features.js';
import { Runtime } from '../runtime/Runtime.js';
import { ScratchStore } from '../store/ScratchStore.js';
import { buildOpenApi } from './buildOpenApi.js';

/** The document `GET /openapi.json` of `model` would answer. */
export async function appOpenApi(model: AppConfig): Promise<Record<string, unknown>> {
  const scratch = await ScratchStore.open();
  const runtime = new Runtime({ model, store: await scratch.fresh(), logger: pino({ level: 'silent' }) });
  try {
    const app = buildServer(runtime, { extraRoutes: FEATURES.flatMap((f) => (f.routes === undefined ? [] : [f.routes])) });
    const doc = buildOpenApi(model, registeredRoutes(app));
    await app.close();
    return doc;
  } finally {
    await runtime.close();
    await scratch.close();
  }
}
