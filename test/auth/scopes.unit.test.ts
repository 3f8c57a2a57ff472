import { describe, expect, it } from 'vitest';
import { requiredScope, scopeLabel } from '../../src/auth/routeScopes.js';
import { scopeAllows } from '../../src/auth/scopes.js';
import { shopModel } from '../engine/fixtures.js';

describe('scopeAllows', () => {
  it('matches segment by segment, * one segment, a trailing * the rest', () => {
    expect(scopeAllows(['commands:order:*'], 'commands:order:CreateOrder')).toBe(true);
    expect(scopeAllows(['commands:order:*'], 'commands:user:Register')).toBe(false);
    expect(scopeAllows(['commands:*'], 'commands:user:Register')).toBe(true);
    expect(scopeAllows(['*'], 'admin')).toBe(true);
    expect(scopeAllows(['projections:*:read'], 'projections:orders:read')).toBe(true);
    expect(scopeAllows(['projections:*:read'], 'projections:orders:rebuild')).toBe(false);
    expect(scopeAllows(['commands:order'], 'commands:order:CreateOrder')).toBe(false);
    expect(scopeAllows(['commands:order:CreateOrder:x'], 'commands:order:CreateOrder')).toBe(false);
    expect(scopeAllows(['admin'], 'admin')).toBe(true);
    expect(scopeAllows([], 'events:read')).toBe(false);
    expect(scopeAllows(['Admin'], 'admin')).toBe(false);
  });
});

describe('requiredScope', () => {
  it('names the scope of each route; unlisted routes need admin; HEAD is GET', () => {
    expect(requiredScope('POST', '/aggregates/:type/:id/commands/:command', { type: 'order', command: 'Ship' })).toBe(
      'commands:order:Ship',
    );
    expect(requiredScope('HEAD', '/events', {})).toBe('events:read');
    expect(requiredScope('GET', '/projections/:name/:key', { name: 'orders' })).toBe('projections:orders:read');
    expect(requiredScope('POST', '/projections/:name/rebuild', { name: 'orders' })).toBe('admin');
    expect(requiredScope('DELETE', '/subjects/:id', {})).toBe('admin');
    expect(requiredScope('GET', '/openapi.json', {})).toBeNull();
  });

  it('labels undeclared names (a client can send any) as (unknown), so metric labels stay bounded', () => {
    const model = shopModel();
    expect(scopeLabel('commands:order:Ship', model)).toBe('commands:order:Ship');
    expect(scopeLabel('commands:order:Nope', model)).toBe('commands:(unknown)');
    expect(scopeLabel('commands:constructor:x', model)).toBe('commands:(unknown)');
    expect(scopeLabel('projections:__proto__:read', model)).toBe('projections:(unknown)');
    expect(scopeLabel('admin', model)).toBe('admin');
  });
});
