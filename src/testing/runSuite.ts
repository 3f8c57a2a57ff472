/**
 * Runs the scenarios of a loaded suite, one after the other, on ONE in-memory store emptied
 * between scenarios (starting PostgreSQL is the slow part; emptying it is not). A scenario
 * that throws is a failure of that scenario, never of the run.
 */
import { performance } from 'node:perf_hooks';
import type { AppConfig } from '../config/schema/app.js';
import type { ScenarioConfig } from '../config/schema/tests.js';
import { ScratchStore } from '../store/ScratchStore.js';
import type { Suite } from './loadSuite.js';
import { compare } from './match.js';
import { runScenario, scenarioModel } from './runScenario.js';
import type { Failure, ScenarioResult, SuiteResult } from './ScenarioResult.js';
import { simulateSaga } from './simulateSaga.js';

/** Runs every scenario of `suite` (whose model loaded). */
export async function runSuite(suite: Suite & { model: AppConfig }): Promise<SuiteResult> {
  const started = performance.now();
  const model = scenarioModel(suite.model);
  const needsStore = suite.scenarios.some((s) => usesStore(s.config));
  const scratch = needsStore ? await ScratchStore.open() : undefined;
  const scenarios: ScenarioResult[] = [];
  try {
    for (const s of suite.scenarios) {
      const t0 = performance.now();
      let failures: Failure[];
      try {
        failures = [...(s.config.saga !== undefined ? sagaFailures(model, s.config) : [])];
        if (scratch !== undefined && usesStore(s.config)) failures.push(...(await runScenario(model, s.config, await scratch.fresh())));
      } catch (err) {
        failures = [{ what: 'scenario', message: `the scenario could not run: ${err instanceof Error ? err.message : String(err)}` }];
      }
      scenarios.push({
        name: s.name,
        ...(s.location !== undefined ? { location: s.location } : {}),
        failures,
        durationMs: performance.now() - t0,
      });
    }
  } finally {
    await scratch?.close();
  }
  return { file: suite.file, scenarios, durationMs: performance.now() - started };
}

/** A saga scenario that expects nothing else runs without a store. */
function usesStore(s: ScenarioConfig): boolean {
  return (
    s.saga === undefined || s.when !== undefined || s.then_state !== undefined || s.then_rows !== undefined || s.then_upcast !== undefined
  );
}

function sagaFailures(model: AppConfig, s: ScenarioConfig): Failure[] {
  return s.then_saga === undefined ? [] : compare('then_saga', 'the saga ran otherwise', s.then_saga, simulateSaga(model, s));
}
