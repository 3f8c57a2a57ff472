/**
 * The scope each route needs (README "Scopes"). Routes not listed here need `admin`, so a
 * route added later is closed to scoped tokens until it is given a scope of its own.
 */
import type { AppConfig } from '../config/schema/index.js';

type Params = Record<string, string | undefined>;
/** The scope a route needs, from its path parameters; null = any authenticated caller. */
type Rule = (params: Params) => string | null;

const command: Rule = (p) => `commands:${p.type}:${p.command}`;
const aggregateRead: Rule = (p) => `aggregates:${p.type}:read`;
const projectionRead: Rule = (p) => `projections:${p.name}:read`;
const sagaRead: Rule = (p) => `sagas:${p.name}:read`;

const RULES: Record<string, Rule> = {
  'POST /aggregates/:type/:id/commands/:command': command,
  'POST /aggregates/:type/commands/:command': command,
  'GET /aggregates/:type/:id': aggregateRead,
  'GET /aggregates/:type/:id/events': aggregateRead,
  'GET /events': () => 'events:read',
  'GET /events/live': () => 'events:read',
  'GET /projections/:name': projectionRead,
  'GET /projections/:name/:key': projectionRead,
  'POST /sagas/:name': (p) => `sagas:${p.name}:start`,
  'GET /sagas/:name': sagaRead,
  'GET /sagas/:name/:id': sagaRead,
  'GET /metrics': () => 'metrics:read',
  'GET /openapi.json': () => null,
  'GET /docs': () => null,
  'GET /docs/assets/:file': () => null,
};

/** The scope `method url` needs (url: the route's pattern), or null when any caller may. */
export function requiredScope(method: string, url: string, params: Params): string | null {
  const rule = RULES[`${method === 'HEAD' ? 'GET' : method} ${url}`];
  return rule === undefined ? 'admin' : rule(params);
}

/**
 * `scope` as a metric label: names that are not declared (a client can send any) become
 * `(unknown)`, so the label has as many values as the config has names.
 */
export function scopeLabel(scope: string, model: AppConfig): string {
  const [family, name, action] = scope.split(':');
  if (name === undefined) return scope;
  const has = (record: object, key: string | undefined) => key !== undefined && Object.hasOwn(record, key);
  const known =
    family === 'commands'
      ? has(model.aggregates, name) && has(model.aggregates[name]!.commands, action)
      : family === 'aggregates'
        ? has(model.aggregates, name)
        : family === 'projections'
          ? has(model.projections, name)
          : family === 'sagas' && has(model.sagas, name);
  return known ? scope : `${family}:(unknown)`;
}
