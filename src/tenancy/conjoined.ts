/** Whether an app runs a conjoined (multi-tenant) store. */
import type { AppConfig } from '../config/schema/index.js';

/** True when `model` sets `event_store.tenancy = { mode = "conjoined" }`. */
export function conjoined(model: AppConfig): boolean {
  return model.event_store.tenancy?.mode === 'conjoined';
}
