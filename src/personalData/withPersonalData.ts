/** Puts the personal-data layer over a store when the app declares personal data. */
import type { AppConfig } from '../config/schema/index.js';
import { ConfigError } from '../errors.js';
import type { EventStore } from '../store/EventStore.js';
import { masterKeyFrom } from './cipher.js';
import { PersonalDataRules } from './PersonalDataRules.js';
import { PersonalDataStore } from './PersonalDataStore.js';

/** `store` itself when nothing is personal (no cost), else the store that seals personal fields. */
export function withPersonalData(store: EventStore, model: Pick<AppConfig, 'events' | 'aggregates' | 'event_store'>): EventStore {
  if (store instanceof PersonalDataStore) return store;
  const rules = PersonalDataRules.fromModel(model);
  if (rules.empty) return store;
  const secret = model.event_store.encryption_key;
  if (secret === undefined || secret === '') {
    throw new ConfigError('personal_data is declared but event_store.encryption_key is not set (use @env.secure("TUSK_DATA_KEY"))', []);
  }
  return new PersonalDataStore(store, rules, masterKeyFrom(secret));
}

/** The personal-data layer of a store, if it has one. */
export function personalDataOf(store: EventStore): PersonalDataStore | undefined {
  return store instanceof PersonalDataStore ? store : undefined;
}
