/** Starts the app in-process on a real port and talks to it over real HTTP. */
import { pino } from 'pino';
import type { AppConfig } from '../../src/config/schema/index.js';
import { startApp, type StartedApp } from '../../src/runtime/startApp.js';
import type { EventStore } from '../../src/store/EventStore.js';
import type { Feature } from '../../src/runtime/Feature.js';
import { ContractChecker } from './contract.js';

/** A response with its JSON body parsed. */
export interface ApiResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** A started app plus a small fetch helper. */
export interface TestApp {
  started: StartedApp;
  url: string;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  close(): Promise<void>;
}

/** Starts `model` on 127.0.0.1:0 (optionally on a given store), logs silenced. */
export async function startTestApp(
  model: AppConfig,
  options: { store?: EventStore; features?: readonly Feature[] } = {},
): Promise<TestApp> {
  const started = await startApp(model, {
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'silent' }),
    ...(options.store ? { store: options.store } : {}),
    ...(options.features ? { features: options.features } : {}),
  });
  let contract: ContractChecker | undefined;
  const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    const res = await fetch(`${started.url}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON (metrics): keep the text
    }
    // response validation: the answer must be one the app's OpenAPI document allows
    (contract ??= new ContractChecker(model, started)).check(method, path, res.status, res.headers.get('content-type'), parsed);
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return { started, url: started.url, api, close: () => started.close() };
}
