/** `tusk-es check` passes on seed 004's storage tiers and archival, written as .tsk (issue 16 item 3). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('tusk-es check on seed 004 storage_tiers', () => {
  it('exits 0 with warnings only for what has no meaning here', async () => {
    const result = await runCli(['check', join(import.meta.dirname, '../fixtures/seed004/storage_tiers.tsk')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain('0 errors, 4 warnings in 1 file');
  });
});
