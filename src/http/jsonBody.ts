/**
 * The one body parser (SPEC §9 "all bodies are JSON"): `application/json` in UTF-8, not
 * compressed. Every other media type is 415 (fastify's text/plain parser is removed, so a text
 * body never reaches a route as a string). Bytes that are not UTF-8 are refused, not replaced;
 * the parsed value then passes checkJsonBody before any route sees it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TuskError } from '../errors.js';
import { checkJsonBody } from './checkJsonBody.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Installs the JSON parser on `app`, refusing bodies nested deeper than `maxDepth`. */
export function installJsonBody(app: FastifyInstance, maxDepth: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'buffer' },
    (request: FastifyRequest, raw: Buffer | string, done: (err: Error | null, body?: unknown) => void) => {
      try {
        done(null, parseJsonBody(request, typeof raw === 'string' ? Buffer.from(raw) : raw, maxDepth));
      } catch (err) {
        done(err as Error);
      }
    },
  );
}

function parseJsonBody(request: FastifyRequest, raw: Buffer, maxDepth: number): unknown {
  const { headers } = request;
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    throw new TuskError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Encoding ${JSON.stringify(encoding)} is not supported: send the body uncompressed`,
    );
  }
  // The plain media type (what most clients send) names no charset: the pattern runs only on the others.
  const type = headers['content-type'];
  const charset = type === 'application/json' ? undefined : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new TuskError('UNSUPPORTED_MEDIA_TYPE', `charset ${JSON.stringify(charset)} is not supported: JSON bodies are UTF-8`);
  }
  // An empty body is no input, as when the body is left out.
  if (raw.length === 0) return undefined;
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new TuskError('INVALID_TEXT', 'the body is not valid UTF-8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new TuskError('BAD_REQUEST', `the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  checkJsonBody(body, maxDepth);
  return body;
}
