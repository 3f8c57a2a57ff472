/**
 * Runs one scenario on a fresh (emptied) in-memory store: store the `given` events, run the
 * `when` command through the real engine, then read what the scenario expects — the emitted
 * events or the error, the aggregate state, projection rows, the given events upcast.
 * Projections run inline here whatever their mode, so rows are there when the command returns.
 */
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { AppConfig } from '../config/schema/app.js';
import type { ScenarioConfig } from '../config/schema/tests.js';
import type { CommandResult } from '../engine/EngineContext.js';
import { toEventJson, type EventJson } from '../engine/toEventJson.js';
import { isTuskError } from '../errors.js';
import { buildUpcaster } from '../migrations/buildUpcaster.js';
import { projectionsFeature } from '../projections/projectionsFeature.js';
import { projectionSystemOf } from '../projections/ProjectionSystem.js';
import { Runtime } from '../runtime/Runtime.js';
import type { EventStore } from '../store/EventStore.js';
import { compare } from './match.js';
import type { Failure } from './ScenarioResult.js';
import { getOwn } from '../util/setOwn.js';

const silent = pino({ level: 'silent' });

/** The app model with every projection inline (tests read rows right after the command). */
export function scenarioModel(model: AppConfig): AppConfig {
  const projections = Object.fromEntries(Object.entries(model.projections).map(([n, p]) => [n, { ...p, mode: 'inline' as const }]));
  return { ...model, projections };
}

/** Runs scenario `s` of `model` on `store` (empty); the failures, none when it passed. */
export async function runScenario(model: AppConfig, s: ScenarioConfig, store: EventStore): Promise<Failure[]> {
  const runtime = new Runtime({ model, store, logger: silent, upcaster: buildUpcaster(model), ownsStore: false });
  try {
    await projectionsFeature.install?.(runtime);
    await storeGiven(runtime, model, s);
    const failures: Failure[] = [];
    if (s.when !== undefined) failures.push(...(await runWhen(runtime, s)));
    if (s.then_state !== undefined) failures.push(...(await checkState(runtime, s, s.then_state)));
    for (const [name, rows] of Object.entries(s.then_rows ?? {})) failures.push(...(await checkRows(runtime, name, rows)));
    if (s.then_upcast !== undefined) failures.push(...(await checkUpcast(runtime, s.then_upcast, s.given.length)));
    return failures;
  } finally {
    await runtime.close();
  }
}

async function storeGiven(runtime: Runtime, model: AppConfig, s: ScenarioConfig): Promise<void> {
  for (const g of s.given) {
    await runtime.store.append({
      streamType: g.aggregate ?? s.aggregate!,
      streamId: g.aggregate_id ?? s.aggregate_id,
      expectedVersion: 'any',
      events: [
        {
          id: randomUUID(),
          type: g.type,
          eventVersion: g.event_version ?? getOwn(model.events, g.type)?.version ?? 1,
          data: g.data,
          metadata: g.metadata,
          timestamp: new Date(),
        },
      ],
    });
  }
}

async function runWhen(runtime: Runtime, s: ScenarioConfig): Promise<Failure[]> {
  const when = s.when!;
  let result: CommandResult;
  try {
    result = await runtime.command({
      aggregateType: s.aggregate!,
      aggregateId: when.aggregate_id ?? s.aggregate_id,
      command: when.command,
      input: when.input,
      ...(when.if_match !== undefined ? { expectedVersion: when.if_match } : {}),
      metadata: {},
    });
  } catch (err) {
    if (!isTuskError(err)) throw err;
    const actual = { code: err.code, message: err.message };
    if (s.then_error !== undefined) return compare('then_error', 'the command failed with another error', s.then_error, actual);
    return [
      {
        what: 'when',
        message: `the command failed: ${err.code}: ${err.message}`,
        ...(s.then !== undefined ? { expected: s.then, actual } : {}),
      },
    ];
  }
  if (s.then_error !== undefined) {
    return [
      {
        what: 'then_error',
        message: `the command succeeded (${describeEvents(result.events)}) but ${s.then_error.code} was expected`,
        expected: s.then_error,
        actual: result.events.map(eventView),
      },
    ];
  }
  return s.then === undefined ? [] : compare('then', 'the command emitted other events', s.then, result.events.map(eventView));
}

async function checkState(runtime: Runtime, s: ScenarioConfig, expected: Record<string, unknown>): Promise<Failure[]> {
  const id = s.when?.aggregate_id ?? s.aggregate_id;
  try {
    const loaded = await runtime.aggregate(s.aggregate!, id);
    return compare('then_state', 'the state differs', expected, loaded.state);
  } catch (err) {
    if (isTuskError(err) && err.code === 'STREAM_NOT_FOUND')
      return [{ what: 'then_state', message: `${s.aggregate} '${id}' does not exist` }];
    throw err;
  }
}

async function checkRows(runtime: Runtime, name: string, expected: Record<string, unknown>[]): Promise<Failure[]> {
  const rows = await projectionSystemOf(runtime)!.rows(name, { filters: new Map(), order: [], limit: 1000, offset: 0 });
  return compare(`then_rows.${name}`, `the rows of ${name} differ`, expected, rows);
}

async function checkUpcast(runtime: Runtime, expected: readonly Record<string, unknown>[], given: number): Promise<Failure[]> {
  // the given events are the first ones in the log
  const stored = await runtime.store.readAll({ after: 0, limit: given });
  return compare(
    'then_upcast',
    'the upcast events differ',
    expected,
    stored.map((e) => eventView(toEventJson(runtime.upcaster(e)))),
  );
}

/** The parts of an event a scenario can expect. */
function eventView(e: EventJson): Record<string, unknown> {
  return { type: e.type, aggregate_id: e.aggregate_id, event_version: e.event_version, data: e.data, metadata: e.metadata };
}

function describeEvents(events: readonly EventJson[]): string {
  return events.length === 0 ? 'no events' : events.map((e) => e.type).join(', ');
}
