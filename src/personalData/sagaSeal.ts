/**
 * Sagas keep their progress as events of their own (`$saga` streams): `$SagaStarted` copies the
 * trigger event's data, and each `$Saga…Started` records the step's evaluated input or call
 * body. Both are sealed like the trigger's own fields: the started event's copy with the
 * trigger's rule and subject (the subject is then bound to the saga stream), and a step's input
 * and body as a whole with the keys of the saga stream's subjects. Once a subject is forgotten
 * they read as erased (the step input as null), like the trigger itself.
 */
import { SAGA_EVENTS, SAGA_STREAM_TYPE } from '../sagas/sagaEvents.js';
import { isPlainObject } from '../config/paths.js';
import { hasFieldPaths } from './fieldPaths.js';
import type { DataKey } from './KeyRing.js';
import { subjectOf, type PersonalDataRules, type PersonalRule } from './PersonalDataRules.js';
import { keyIdsOf, openData, sealData } from './sealEvents.js';
import { openState, sealedStateKeys, sealState } from './sealState.js';

const ACTION_EVENTS: ReadonlySet<string> = new Set([SAGA_EVENTS.stepStarted, SAGA_EVENTS.compensationStarted]);

/** True for an event of a saga stream whose data may hold copies of personal fields. */
export function isSagaCopy(streamType: string, type: string): boolean {
  return streamType === SAGA_STREAM_TYPE && (type === SAGA_EVENTS.started || ACTION_EVENTS.has(type));
}

/** True for a saga step event (its action is sealed with the saga stream's keys). */
export function isSagaAction(streamType: string, type: string): boolean {
  return streamType === SAGA_STREAM_TYPE && ACTION_EVENTS.has(type);
}

/** The rule of the trigger whose data a `$SagaStarted` copies, if it has personal fields there. */
function startRule(rules: PersonalDataRules, data: unknown): PersonalRule | undefined {
  if (!isPlainObject(data) || !isPlainObject(data.trigger)) return undefined;
  const t = data.trigger;
  if (typeof t.aggregate_type !== 'string' || typeof t.type !== 'string') return undefined;
  const rule = rules.ruleFor(t.aggregate_type, t.type);
  return rule !== undefined && hasFieldPaths(data.data, rule.paths) ? rule : undefined;
}

/** The subject of a `$SagaStarted`'s copied trigger data (undefined: nothing personal in it). */
export function sagaStartSubject(rules: PersonalDataRules, data: unknown): string | undefined {
  const rule = startRule(rules, data);
  if (rule === undefined || !isPlainObject(data) || !isPlainObject(data.trigger)) return undefined;
  const t = data.trigger;
  const metadata = isPlainObject(t.metadata) ? t.metadata : {};
  return subjectOf(rule, {
    streamType: String(t.aggregate_type),
    streamId: String(t.aggregate_id),
    type: String(t.type),
    data: data.data,
    metadata,
  });
}

/** A `$SagaStarted`'s data with the copied trigger fields sealed under `key`. */
export function sealSagaStart(rules: PersonalDataRules, data: unknown, key: DataKey): unknown {
  const rule = startRule(rules, data)!;
  const d = data as Record<string, unknown>;
  return { ...d, data: sealData(rule, d.data, key) };
}

/** A step event's data with the action's input and body sealed under `keys` (unchanged without keys). */
export function sealSagaAction(data: unknown, keys: readonly DataKey[]): unknown {
  if (keys.length === 0 || !isPlainObject(data) || !isPlainObject(data.action)) return data;
  const action = { ...data.action };
  if (action.input !== undefined) action.input = sealState(action.input, keys);
  if (action.body !== undefined) action.body = sealState(action.body, keys);
  return { ...data, action };
}

/** The key ids a saga event's sealed copies need. */
export function sagaKeyIds(rules: PersonalDataRules, type: string, data: unknown, into: Set<string>): void {
  if (!isPlainObject(data)) return;
  if (type === SAGA_EVENTS.started) {
    const t = isPlainObject(data.trigger) ? data.trigger : undefined;
    const rule = t === undefined ? undefined : rules.ruleFor(String(t.aggregate_type), String(t.type));
    if (rule !== undefined) keyIdsOf(rule, data.data, into);
    return;
  }
  if (!isPlainObject(data.action)) return;
  for (const v of [data.action.input, data.action.body]) for (const id of sealedStateKeys(v) ?? []) into.add(id);
}

/** A saga event's data with its sealed copies opened (or erased). */
export function openSaga(rules: PersonalDataRules, type: string, data: unknown, keys: ReadonlyMap<string, Buffer | null>): unknown {
  if (!isPlainObject(data)) return data;
  if (type === SAGA_EVENTS.started) {
    const t = isPlainObject(data.trigger) ? data.trigger : undefined;
    const rule = t === undefined ? undefined : rules.ruleFor(String(t.aggregate_type), String(t.type));
    return rule === undefined ? data : { ...data, data: openData(rule, data.data, keys) };
  }
  if (!isPlainObject(data.action)) return data;
  const action = { ...data.action };
  if (sealedStateKeys(action.input) !== undefined) action.input = openState(action.input, keys) ?? null;
  if (sealedStateKeys(action.body) !== undefined) action.body = openState(action.body, keys) ?? null;
  return { ...data, action };
}
