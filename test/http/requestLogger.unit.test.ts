import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { createLogger } from '../../src/runtime/createLogger.js';
import { requestLogger } from '../../src/http/requestLogger.js';

/** A logger at `level` whose lines are collected, and how many children were made of it. */
function collecting(level: 'info' | 'warn') {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level, destination }) as unknown as FastifyBaseLogger;
  let children = 0;
  // pino's children inherit from their parent: the count wraps the method, not a bound copy
  const proto = logger as unknown as { child(this: FastifyBaseLogger, ...args: unknown[]): FastifyBaseLogger };
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with its own `this` below
  const child = proto.child;
  proto.child = function (this: FastifyBaseLogger, ...args: unknown[]) {
    children++;
    return child.apply(this, args);
  };
  return { logger, lines, children: () => children };
}

describe('requestLogger', () => {
  it('makes no child while nothing is logged at an enabled level', () => {
    const { logger, lines, children } = collecting('warn');
    const log = requestLogger(logger, { reqId: 'req-1' }, {});
    log.debug({ a: 1 }, 'request');
    log.info('not at warn');
    expect(children()).toBe(0);
    expect(lines).toEqual([]);
    expect(log.level).toBe('warn');
  });

  it('logs at an enabled level through a child with the request bindings, made once', async () => {
    const { logger, lines, children } = collecting('info');
    const log = requestLogger(logger, { reqId: 'req-2', trace_id: 'abc' }, {});
    log.info({ code: 'X' }, 'first');
    log.error('second');
    log.debug('below the level');
    await expect.poll(() => lines.length).toBe(2);
    expect(children()).toBe(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-2', trace_id: 'abc', code: 'X', msg: 'first', level: 30 });
    expect(lines[1]).toMatchObject({ reqId: 'req-2', msg: 'second', level: 50 });
  });

  it("adds the request's trace ids to its lines, and keeps every level method (trace included)", async () => {
    const { logger, lines } = collecting('info');
    const log = requestLogger(logger, { reqId: 'req-4' }, {}, { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    // fastify checks these methods on the logger its childLoggerFactory returns
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const) expect(typeof log[level]).toBe('function');
    log.trace('below the level');
    log.info('traced');
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-4', trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16), msg: 'traced' });
  });

  it('hands out real children that keep the request bindings', async () => {
    const { logger, lines } = collecting('info');
    const log = requestLogger(logger, { reqId: 'req-3' }, {});
    log.child({ part: 'sse' }).warn('ended');
    await expect.poll(() => lines.length).toBe(1);
    expect(lines[0]).toMatchObject({ reqId: 'req-3', part: 'sse', msg: 'ended' });
  });
});
