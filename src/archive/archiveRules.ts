/**
 * The archive rules of an app: per aggregate, its own `archive` block or else the store-wide
 * `event_store.archive` one (`after` a duration since the stream's newest event, or `on` a
 * closing event type). Only the app's aggregate streams are archived, never internal streams.
 */
import type { AppConfig } from '../config/schema/index.js';
import type { ArchiveRule as ArchiveRuleConfig } from '../config/schema/storage.js';
import type { ArchiveRule } from '../store/EventStore.js';

/** The rules as of `now`, one per aggregate that has one. */
export function archiveRules(model: AppConfig, now = new Date()): ArchiveRule[] {
  const storeWide = model.event_store.archive;
  const rules: ArchiveRule[] = [];
  for (const [type, aggregate] of Object.entries(model.aggregates)) {
    const rule = toRule(type, aggregate.archive ?? storeWide, now);
    if (rule !== undefined) rules.push(rule);
  }
  return rules;
}

/** True when the app archives anything (then `serve` runs the job and GET /aggregates says where an answer came from). */
export function archives(model: AppConfig): boolean {
  return archiveRules(model).length > 0;
}

function toRule(streamType: string, config: ArchiveRuleConfig | undefined, now: Date): ArchiveRule | undefined {
  if (config === undefined) return undefined;
  const closing = config.on === undefined ? [] : Array.isArray(config.on) ? config.on : [config.on];
  if (config.after === undefined && closing.length === 0) return undefined;
  return {
    streamType,
    ...(config.after !== undefined ? { before: new Date(now.getTime() - config.after) } : {}),
    ...(closing.length > 0 ? { closing } : {}),
  };
}
