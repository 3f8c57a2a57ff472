/**
 * A feature of an app beyond commands and reads: projections, sagas, publishers. Each lives in
 * its own folder and plugs into the runtime here, so the composition root stays one list.
 */
import type { RouteGroup } from '../http/buildServer.js';
import type { Runtime } from './Runtime.js';

/** One pluggable part of a running app. */
export interface Feature {
  name: string;
  /**
   * Adds append hooks and background services (runtime.addService) before the server listens.
   * Throwing aborts the start with that error.
   */
  install?(runtime: Runtime): Promise<void> | void;
  /** The feature's HTTP routes. */
  routes?: RouteGroup;
}
