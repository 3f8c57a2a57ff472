/**
 * The two directions of one event's personal fields: sealing before an append, opening after
 * a read (or erasing, when the key is gone). Pure functions over keys already looked up.
 */
import { TuskError } from '../errors.js';
import type { NewEvent } from '../store/EventStore.js';
import { openValue, sealedKeyId, sealValue, type SealedValue } from './cipher.js';
import { hasFieldPaths, mapFieldPaths } from './fieldPaths.js';
import type { DataKey } from './KeyRing.js';
import { subjectOf, type PersonalDataRules, type PersonalRule } from './PersonalDataRules.js';

/** The subject of each event that holds personal fields (undefined for the others). */
export function subjectsOf(
  rules: PersonalDataRules,
  streamType: string,
  streamId: string,
  events: readonly NewEvent[],
): (string | undefined)[] {
  return events.map((e) => {
    const rule = rules.ruleFor(streamType, e.type);
    if (rule === undefined || !hasFieldPaths(e.data, rule.paths)) return undefined;
    const subject = subjectOf(rule, { streamType, streamId, type: e.type, data: e.data, metadata: e.metadata });
    if (subject === undefined)
      throw new TuskError(
        'SUBJECT_MISSING',
        `${e.type} carries personal fields, but its personal_data.subject gives null for ${streamType} '${streamId}'`,
      );
    return subject;
  });
}

/** The event's data with every personal field sealed under `key`. */
export function sealData(rule: PersonalRule, data: unknown, key: DataKey): unknown {
  return mapFieldPaths(data, rule.paths, (v) => sealValue(key.id, key.key, v));
}

/** The key ids an event's sealed fields need. */
export function keyIdsOf(rule: PersonalRule, data: unknown, into: Set<string>): void {
  mapFieldPaths(data, rule.paths, (v) => {
    const id = sealedKeyId(v);
    if (id !== undefined) into.add(id);
    return v;
  });
}

/** The event's data with its sealed fields opened, or erased where their key is gone. */
export function openData(rule: PersonalRule, data: unknown, keys: ReadonlyMap<string, Buffer | null>): unknown {
  return mapFieldPaths(data, rule.paths, (v) => {
    const id = sealedKeyId(v);
    // a value written before the field was declared personal is shown as stored
    if (id === undefined) return v;
    const key = keys.get(id);
    if (key === undefined || key === null) return structuredClone(rule.erased);
    const plain = openValue(v as SealedValue, key);
    return plain === undefined ? structuredClone(rule.erased) : plain;
  });
}
