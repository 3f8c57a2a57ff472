/**
 * Server-sent events for `/events/live`. Each connection follows the log from a cursor
 * (Last-Event-ID, or the head when it connects) with the consumer framework's pieces that fit a
 * per-client follower: it reads the safe tail of the log in pages (store.readAll, as a
 * partition worker does) and then idles on a Waker that an append ends, local (the live bus)
 * or from another process (LISTEN/NOTIFY), with a poll as the fallback (src/consumers/onAppends.ts).
 * It has no checkpoint or lease: the cursor is the client's (Last-Event-ID). Reading the log
 * instead of forwarding bus payloads keeps the order by position and never skips an event
 * that committed late.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { onAppends } from '../consumers/onAppends.js';
import { Waker } from '../consumers/Waker.js';
import { toEventJson } from '../engine/toEventJson.js';
import type { Runtime } from '../runtime/Runtime.js';

const PAGE = 500;
const POLL_MS = 1000;
const HEARTBEAT_MS = 15_000;

/** Open SSE connections of a server, so shutdown can end them. */
export const openStreams = new WeakMap<Runtime, Set<() => void>>();

/** Streams the log to one client until it disconnects or the server closes. */
export async function streamLive(
  runtime: Runtime,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { after?: number; types?: string[] },
): Promise<void> {
  let cursor = options.after ?? (await runtime.store.headPosition());
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');

  let closed = false;
  const waker = new Waker();
  const close = () => {
    if (closed) return;
    closed = true;
    waker.stop();
    res.end();
    // the reply is hijacked: fastify's onResponse, which ends request spans, never runs for it
    runtime.tracing?.endRequest(request, res.statusCode);
  };
  let streams = openStreams.get(runtime);
  if (streams === undefined) openStreams.set(runtime, (streams = new Set()));
  streams.add(close);
  // A wake-up while a page is being read is remembered by the Waker for the next idle.
  const unsubscribe = onAppends(runtime.store, runtime.bus, options.types, () => waker.wake());
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  request.raw.on('close', close);
  res.on('error', close);

  try {
    while (!closed) {
      const page = await runtime.store.readAll({
        after: cursor,
        limit: PAGE,
        ...(options.types !== undefined ? { types: options.types } : {}),
      });
      for (const stored of page) {
        if (closed) break;
        const event = toEventJson(runtime.upcaster(stored));
        res.write(`id: ${event.position}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        cursor = event.position;
      }
      if (page.length === PAGE) continue;
      await waker.idle(POLL_MS);
    }
  } catch (err) {
    request.log.warn({ err }, 'live event stream ended with an error');
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    streams.delete(close);
    close();
  }
}

/** Ends every open SSE connection of `runtime` (graceful shutdown). */
export function closeLiveStreams(runtime: Runtime): void {
  for (const close of openStreams.get(runtime) ?? []) close();
}
