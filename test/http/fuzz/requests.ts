/**
 * HTTP requests generated from an app's own model: every route of SPEC §9 with the app's
 * aggregate types, commands (bodies from their `input` fields), projections and sagas, plus
 * headers and query parameters, each part valid, at a boundary, or hostile.
 */
import fc from 'fast-check';
import type { AppConfig } from '../../../src/config/schema/index.js';
import {
  anyText,
  dateText,
  edgeNumberText,
  fieldValueText,
  jsonString,
  jsonText,
  nastyText,
  queryValue,
  segment,
  urlText,
} from './values.js';

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** The ids the fuzz app holds (created before the run), so commands and reads find real streams. */
export type KnownIds = Readonly<Record<string, readonly string[]>>;

// Header values the HTTP client can send (no CR, LF or NUL: those are tested over a raw socket).
const headerText = fc.oneof(
  fc.stringMatching(/^[\x20-\x7e]{0,60}$/),
  fc.integer({ min: 0, max: 400 }).map((n) => 'k'.repeat(n)),
);

function queryString(params: Readonly<Record<string, fc.Arbitrary<string>>>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  return fc
    .tuple(
      fc.subarray(names).chain((chosen) => fc.tuple(...chosen.map((n) => params[n]!.map((v) => `${n}=${urlText(v)}`)))),
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.tuple(anyText, anyText).map(([k, v]) => `${urlText(k)}=${urlText(v)}`) },
      ),
    )
    .map(([pairs, extra]) => {
      const all = extra === null ? pairs : [...pairs, extra];
      return all.length === 0 ? '' : `?${all.join('&')}`;
    });
}

/** A command body from `input`: each field present or not, valid or hostile; sometimes unknown keys or not an object at all. */
function commandBody(input: AppConfig['aggregates'][string]['commands'][string]['input']): fc.Arbitrary<string | Buffer> {
  const fields = Object.entries(input ?? {});
  const object = fc
    .tuple(
      fc.tuple(
        ...fields.map(([name, spec]) =>
          fc.option(
            fieldValueText(spec).map((v) => `${jsonString(name)}:${v}`),
            { freq: 12 },
          ),
        ),
      ),
      fc.oneof(
        { weight: 8, arbitrary: fc.constant([]) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.tuple(fc.oneof(fc.string({ maxLength: 10 }), nastyText), jsonText).map(([k, v]) => `${jsonString(k)}:${v}`),
            { minLength: 1, maxLength: 2 },
          ),
        },
      ),
    )
    .map(([known, extra]) => `{${[...known.filter((e): e is string => e !== null), ...extra].join(',')}}`);
  return fc.oneof(
    { weight: 12, arbitrary: object },
    { weight: 1, arbitrary: jsonText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"a":1',
        'nul',
        '{"a":1}{"b":2}',
        '\ufeff{}',
        '{"a":"\\ud800"}',
        '{"__proto__":{"x":1}}',
        '{"a":1,"a":2}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 64 })
        .map((bytes) => Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')])),
    },
  );
}

/** Every route of the app, each with its parameters drawn from the model. */
export function requestsOf(model: AppConfig, known: KnownIds): fc.Arbitrary<FuzzRequest> {
  const types = Object.keys(model.aggregates);
  const projections = Object.keys(model.projections ?? {});
  const sagas = Object.keys(model.sagas ?? {});
  const idsOf = (type: string) => known[type] ?? [];
  const allIds = Object.values(known).flat();
  const typeSeg = segment([...types, 'nope']);

  const command = fc.constantFrom(...types).chain((type) => {
    const commands = model.aggregates[type]!.commands;
    return fc.constantFrom(...Object.keys(commands)).chain((name) =>
      fc
        .record({
          creates: fc.boolean(),
          type: fc.oneof({ weight: 9, arbitrary: fc.constant(urlText(type)) }, typeSeg),
          id: segment(idsOf(type)),
          name: fc.oneof({ weight: 9, arbitrary: fc.constant(urlText(name)) }, segment(['Nope'])),
          body: commandBody(commands[name]!.input),
        })
        .map(
          (r): FuzzRequest => ({
            method: 'POST',
            path: r.creates ? `/aggregates/${r.type}/commands/${r.name}` : `/aggregates/${r.type}/${r.id}/commands/${r.name}`,
            headers: {},
            body: r.body,
          }),
        ),
    );
  });
  const readAggregate = fc
    .record({
      type: typeSeg,
      id: segment(allIds),
      events: fc.boolean(),
      aggQuery: queryString({ version: edgeNumberText, as_of: dateText }),
      evQuery: queryString({ from: edgeNumberText, to: edgeNumberText, raw: queryValue }),
    })
    .map(
      (r): FuzzRequest => ({
        method: 'GET',
        path: r.events ? `/aggregates/${r.type}/${r.id}/events${r.evQuery}` : `/aggregates/${r.type}/${r.id}${r.aggQuery}`,
        headers: {},
      }),
    );
  const events = queryString({
    after: edgeNumberText,
    limit: edgeNumberText,
    type: fc.oneof(fc.constantFrom('OrderCreated', 'UserCreated,ProductCreated'), anyText),
  }).map((q): FuzzRequest => ({ method: 'GET', path: `/events${q}`, headers: {} }));
  const projection = fc
    .record({
      name: segment([...projections, 'nope']),
      key: fc.option(segment(allIds), { freq: 2 }),
      query: queryString({
        limit: edgeNumberText,
        offset: edgeNumberText,
        order: fc.oneof(fc.constantFrom('id', '-id', 'status', '-total_amount', 'nope'), anyText),
        status: anyText,
        email: anyText,
        created_at: dateText,
        total_amount: edgeNumberText,
        item_count: edgeNumberText,
      }),
    })
    .map(
      (r): FuzzRequest => ({
        method: 'GET',
        path: r.key === null ? `/projections/${r.name}${r.query}` : `/projections/${r.name}/${r.key}`,
        headers: {},
      }),
    );
  const sagaStart = fc
    .record({
      name: segment([...sagas, 'nope']),
      body: fc.oneof(
        { weight: 3, arbitrary: fc.option(fc.constant(`{"aggregate_id":${jsonString(allIds[0] ?? 'x')}}`)) },
        { weight: 2, arbitrary: jsonText },
      ) as fc.Arbitrary<string | null>,
    })
    .map((r): FuzzRequest => ({ method: 'POST', path: `/sagas/${r.name}`, headers: {}, ...(r.body === null ? {} : { body: r.body }) }));
  const sagaRead = fc
    .record({
      name: segment([...sagas, 'nope']),
      id: fc.option(segment(['01a24a60-dfe4-735e-8873-2f6d65703d79']), { freq: 2 }),
      query: queryString({
        status: fc.oneof(fc.constantFrom('running', 'completed,failed'), anyText),
        limit: edgeNumberText,
        offset: edgeNumberText,
      }),
    })
    .map(
      (r): FuzzRequest => ({ method: 'GET', path: r.id === null ? `/sagas/${r.name}${r.query}` : `/sagas/${r.name}/${r.id}`, headers: {} }),
    );
  const deadLetters = fc
    .record({
      retry: fc.boolean(),
      id: segment(['1', '0', '-1', '2147483648', '99999999999999999999']),
      query: queryString({ relay: anyText, after: edgeNumberText, limit: edgeNumberText }),
    })
    .map(
      (r): FuzzRequest =>
        r.retry
          ? { method: 'POST', path: `/dead-letters/${r.id}/retry`, headers: {} }
          : { method: 'GET', path: `/dead-letters${r.query}`, headers: {} },
    );
  const other = fc
    .record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      path: fc.oneof(
        fc.constantFrom('/health', '/metrics', '/', '/events/', '/aggregates', '/projections'),
        fc.array(segment(['aggregates', 'events', 'x']), { minLength: 1, maxLength: 5 }).map((s) => `/${s.join('/')}`),
      ),
    })
    .map((r): FuzzRequest => ({ method: r.method, path: r.path, headers: {} }));

  const route = fc.oneof(
    { weight: 8, arbitrary: command },
    { weight: 3, arbitrary: readAggregate },
    { weight: 1, arbitrary: events },
    { weight: 2, arbitrary: projection },
    { weight: 2, arbitrary: sagaStart },
    { weight: 1, arbitrary: sagaRead },
    { weight: 1, arbitrary: deadLetters },
    { weight: 1, arbitrary: other },
  );
  // each header is sent now and then, so that most requests carry one hostile part at most
  const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
  const headers = fc
    .record({
      'if-match': rarely(fc.oneof(edgeNumberText, fc.constantFrom('"1"', 'W/"1"', '*', 'abc', ''), headerText)),
      'idempotency-key': rarely(fc.oneof(fc.uuid(), headerText)),
      'content-type': rarely(
        fc.constantFrom(
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/json; charset=latin1',
          'application/octet-stream',
          'multipart/form-data; boundary=x',
        ),
      ),
      'content-encoding': rarely(fc.constantFrom('gzip', 'identity', 'br', 'x')),
      'x-causation-id': rarely(headerText),
      'last-event-id': rarely(edgeNumberText),
    })
    .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<string, string>);
  return fc
    .tuple(route, headers, fc.oneof({ weight: 17, arbitrary: fc.constant('good') }, fc.constantFrom('none', 'wrong', 'basic')))
    .map(([r, h, auth]) => {
      const out: Record<string, string> = { ...h };
      // a body is JSON unless a content-type was drawn; without a body no content-type is sent
      if (r.body === undefined) delete out['content-type'];
      else out['content-type'] ??= 'application/json';
      return { ...r, headers: { ...out, ...r.headers }, auth };
    })
    .map(({ auth, ...r }) => ({
      ...r,
      headers: {
        ...r.headers,
        ...(auth === 'none'
          ? {}
          : { authorization: auth === 'good' ? 'Bearer fuzz-token' : auth === 'wrong' ? 'Bearer nope' : 'Basic Zm9vOmJhcg==' }),
      },
    }));
}
