/**
 * The HTTP server (fastify 5): body limit, auth, error handling, metrics, and the route
 * groups. Routes are thin; other parts of the app add their groups through `routeGroups`.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Runtime } from '../runtime/Runtime.js';
import { parseTraceparent } from '../telemetry/traceContext.js';
import { installAuth } from '../auth/installAuth.js';
import { installTenancy } from '../tenancy/tenantRequests.js';
import { clientErrorHandler } from './clientErrors.js';
import { frameworkErrors, installErrorHandlers } from './errorHandler.js';
import { installJsonBody } from './jsonBody.js';
import { installRequestGuards } from './requestGuards.js';
import { requestLogger } from './requestLogger.js';
import { closeLiveStreams } from './liveStream.js';
import { registerAdminApiRoutes } from './routes/adminApi.js';
import { registerAdminPageRoutes } from './routes/adminPage.js';
import { registerAggregateRoutes } from './routes/aggregates.js';
import { registerEventRoutes } from './routes/events.js';
import { registerHealthRoutes } from './routes/health.js';
import type { RegisteredRoute } from '../openapi/buildOpenApi.js';
import { registerOpenApiRoutes } from '../openapi/openapiRoutes.js';

/** Registers one group of routes on the app. */
export type RouteGroup = (app: FastifyInstance, runtime: Runtime) => void;

/** The route groups of SPEC §9 (projections, sagas and dead letters append theirs). */
export const routeGroups: RouteGroup[] = [
  registerHealthRoutes,
  registerAggregateRoutes,
  registerEventRoutes,
  registerAdminPageRoutes,
  registerAdminApiRoutes,
];

/** Stands in for fastify's schema compilers: a route with a JSON schema is a programming error here. */
function noSchemas(): never {
  throw new Error('tusk-es routes declare no JSON schema: input is validated by the engine');
}

/** Builds (but does not start) the HTTP server of `runtime`. */
export function buildServer(runtime: Runtime, options: { extraRoutes?: RouteGroup[] } = {}): FastifyInstance {
  const server = runtime.model.server;
  // Typed as the default instance: route groups need not know which logger is plugged in.
  const app = Fastify({
    loggerInstance: runtime.logger,
    bodyLimit: server.body_limit,
    requestTimeout: server.request_timeout,
    // Close idle keep-alive sockets on shutdown; in-flight requests still finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // Requests are counted in /metrics and logged at debug level by our onResponse hook.
    logController: new LogController({ disableRequestLogging: true }),
    // Every error, the router's and Node's HTTP parser's included, answers in the catalog envelope.
    frameworkErrors,
    clientErrorHandler,
    // Path segments are measured (decoded) by installRequestGuards against server.id_length_limit.
    routerOptions: { maxParamLength: 16_384 },
    // A request logs with the trace_id and span_id of its span (tracing on), else of the W3C
    // traceparent it brings. Its logger is made lazily either way (a pino child per request costs).
    childLoggerFactory: (logger, bindings, opts, raw) => {
      const trace =
        runtime.tracing !== undefined
          ? runtime.tracing.startRequest(raw)
          : parseTraceparent((raw as { headers?: Record<string, unknown> }).headers?.traceparent);
      return requestLogger(logger, bindings, opts, trace);
    },
    // No route declares a JSON schema (input is validated by the engine), so fastify's
    // ajv and fast-json-stringify compilers are never needed: not loading them saves every
    // start about a second of CPU on a 2-core machine (issue 21, cold start).
    schemaController: { compilersFactory: { buildValidator: noSchemas, buildSerializer: noSchemas } },
  }) as unknown as FastifyInstance;
  installErrorHandlers(app);
  installAuth(app, runtime);
  installTenancy(app, runtime);
  installRequestGuards(app, server.id_length_limit);
  installJsonBody(app, server.json_depth_limit);

  // A callback hook (every request runs it): no promise per request. It also ends the
  // request's span (tracing on): one hook, not one more for tracing.
  const tracing = runtime.tracing;
  app.addHook('onResponse', (request, reply, done) => {
    if (tracing !== undefined) tracing.endRequest(request, reply.statusCode);
    runtime.metrics.httpRequestEnded(request.method, request.routeOptions.url ?? '(unmatched)', reply.statusCode, reply.elapsedTime / 1000);
    // The line's fields are built only when debug is on (a request at the default level logs nothing).
    if (runtime.logger.isLevelEnabled('debug'))
      request.log.debug(
        { method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'request',
      );
    done();
  });
  // SSE connections are hijacked: fastify cannot wait for them, so end them before closing.
  app.addHook('preClose', (done) => {
    closeLiveStreams(runtime);
    done();
  });

  // Every route registered from here on is in the OpenAPI document (routes without a doc too).
  const routes: RegisteredRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });
  routesOf.set(app, routes);
  for (const group of [...routeGroups, ...(options.extraRoutes ?? [])]) group(app, runtime);
  registerOpenApiRoutes(app, runtime, routes);
  return app;
}

const routesOf = new WeakMap<FastifyInstance, readonly RegisteredRoute[]>();

/** The routes `app` (built by buildServer) registered, in order. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  return routesOf.get(app) ?? [];
}
