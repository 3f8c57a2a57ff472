/** The app's normalised model, fetched once per page load (names of aggregates, sagas…). */
import { api } from './api.js';

/** What /admin/api/config returns. */
export interface ConfigInfo {
  model: {
    aggregates?: Record<string, { commands?: Record<string, unknown> }>;
    projections?: Record<string, unknown>;
    sagas?: Record<string, unknown>;
    publishers?: Record<string, unknown>;
    subscribers?: Record<string, unknown>;
  } & Record<string, unknown>;
  ddl: string;
  diagnostics: { code: string; severity: string; message: string; location?: { file: string; line: number; column: number } }[];
}

let pending: Promise<ConfigInfo> | undefined;

/** The config (cached; a failed fetch is retried on the next call). */
export function config(): Promise<ConfigInfo> {
  pending ??= api<ConfigInfo>('/admin/api/config').catch((e: unknown) => {
    pending = undefined;
    throw e;
  });
  return pending;
}
