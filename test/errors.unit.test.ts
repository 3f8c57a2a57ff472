import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOG, ConflictError, TuskError } from '../src/errors.js';

describe('error catalog', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

  it.each(Object.keys(ERROR_CATALOG))('documents %s in the README error table', (code) => {
    expect(readme).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('gives every error its catalog status and a JSON body with the code', () => {
    const err = new ConflictError('VERSION_CONFLICT', 'expected version 3, stream is at 4', { expected: 3, actual: 4 });
    expect(err).toBeInstanceOf(TuskError);
    expect(err.status).toBe(409);
    expect(err.toJSON()).toEqual({
      error: { code: 'VERSION_CONFLICT', message: 'expected version 3, stream is at 4', details: { expected: 3, actual: 4 } },
    });
  });
});
