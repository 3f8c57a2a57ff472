/**
 * The compiled `personal_data` declarations: for an event, the rule that says which of its
 * fields are personal and whose they are. An `events.<Type>` rule wins over its aggregate's.
 */
import type { AppConfig } from '../config/schema/index.js';
import type { PersonalDataConfig } from '../config/schema/personalData.js';
import { compileExpr, type CompiledExpr } from '../engine/compileExpr.js';
import { parseFieldPath, type FieldPath } from './fieldPaths.js';

/** One declaration, compiled. */
export interface PersonalRule {
  /** Names the data subject of an event (evaluated over the event). */
  subject: CompiledExpr;
  paths: readonly FieldPath[];
  /** What a field reads as once its subject is forgotten. */
  erased: unknown;
}

/** Every declaration of an app. */
export class PersonalDataRules {
  private constructor(
    private readonly byType: ReadonlyMap<string, PersonalRule>,
    private readonly byStream: ReadonlyMap<string, PersonalRule>,
  ) {}

  /** The rules of `model` (none when it declares no personal data). */
  static fromModel(model: Pick<AppConfig, 'events' | 'aggregates'>): PersonalDataRules {
    const compile = (c: PersonalDataConfig, where: string): PersonalRule => ({
      subject: compileExpr(c.subject, `${where}.subject`),
      paths: c.fields.map(parseFieldPath),
      erased: c.erased_value ?? null,
    });
    const byType = new Map<string, PersonalRule>();
    for (const [type, e] of Object.entries(model.events))
      if (e.personal_data) byType.set(type, compile(e.personal_data, `events.${type}.personal_data`));
    const byStream = new Map<string, PersonalRule>();
    for (const [name, a] of Object.entries(model.aggregates))
      if (a.personal_data) byStream.set(name, compile(a.personal_data, `aggregates.${name}.personal_data`));
    return new PersonalDataRules(byType, byStream);
  }

  /** True when nothing is declared personal. */
  get empty(): boolean {
    return this.byType.size === 0 && this.byStream.size === 0;
  }

  /** The rule of an event of `type` in a stream of `streamType`. */
  ruleFor(streamType: string, type: string): PersonalRule | undefined {
    return this.byType.get(type) ?? this.byStream.get(streamType);
  }

  /** Event types that carry personal fields (for rebuilds, which must then read through the store). */
  coversType(type: string): boolean {
    return this.byType.has(type) || this.byStream.size > 0;
  }

  /** True when events of a stream of `streamType` may carry personal fields. */
  coversStream(streamType: string): boolean {
    return this.byStream.has(streamType) || this.byType.size > 0;
  }

  /** Names of the personal fields an aggregate's events may carry (their `unique` values are stored as digests). */
  fieldNames(streamType: string): ReadonlySet<string> {
    const out = new Set<string>();
    const add = (r: PersonalRule) => r.paths.forEach((p) => out.add(p[p.length - 1] === '*' ? p[p.length - 2]! : p[p.length - 1]!));
    const own = this.byStream.get(streamType);
    if (own) add(own);
    for (const r of this.byType.values()) add(r);
    return out;
  }
}

/** The subject an event names: its rule's expression, as text; undefined when it gives null or "". */
export function subjectOf(
  rule: PersonalRule,
  event: { streamType: string; streamId: string; type: string; data: unknown; metadata?: Record<string, unknown> },
): string | undefined {
  const value = rule.subject({
    roots: {
      aggregate_id: event.streamId,
      aggregate_type: event.streamType,
      event_type: event.type,
      data: event.data,
      metadata: event.metadata ?? {},
    },
    fields: {},
  });
  if (value === null || value === undefined || value === '') return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
