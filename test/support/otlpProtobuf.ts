/**
 * Reads OTLP/HTTP protobuf trace exports (opentelemetry-proto's ExportTraceServiceRequest), what
 * tusk-es's exporter sends: enough of the wire format for the test receiver (spans with ids,
 * names, kinds, attributes, events, links, status) and a cheap span count for the bench's sink.
 */

/** One field of a message: its number and its value (a number for varints and fixed, bytes otherwise). */
interface Field {
  no: number;
  value: number | Uint8Array;
}

/** The fields of one protobuf message, in order. */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let pos = 0;
  const varint = (): number => {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = buf[pos++]!;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
  };
  while (pos < buf.length) {
    const tag = varint();
    const no = Math.floor(tag / 8);
    switch (tag & 7) {
      case 0:
        out.push({ no, value: varint() });
        break;
      case 1: {
        // fixed64 (times, doubles): kept as its 8 bytes
        out.push({ no, value: buf.subarray(pos, pos + 8) });
        pos += 8;
        break;
      }
      case 2: {
        const length = varint();
        out.push({ no, value: buf.subarray(pos, pos + length) });
        pos += length;
        break;
      }
      case 5:
        out.push({ no, value: buf.subarray(pos, pos + 4) });
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${tag & 7}`);
    }
  }
  return out;
}

const bytesOf = (fs: Field[], no: number): Uint8Array[] => fs.filter((f) => f.no === no).map((f) => f.value as Uint8Array);
const first = (fs: Field[], no: number): Field['value'] | undefined => fs.find((f) => f.no === no)?.value;
const text = (v: Field['value'] | undefined): string => (v === undefined ? '' : Buffer.from(v as Uint8Array).toString('utf8'));
const hex = (v: Field['value'] | undefined): string => (v === undefined ? '' : Buffer.from(v as Uint8Array).toString('hex'));

/** An AnyValue: string (1), bool (2), int (3), double (4). */
function anyValue(buf: Uint8Array): unknown {
  const [f] = fields(buf);
  if (f === undefined) return undefined;
  if (f.no === 1) return text(f.value);
  if (f.no === 2) return f.value === 1;
  if (f.no === 3) return f.value;
  if (f.no === 4) return Buffer.from(f.value as Uint8Array).readDoubleLE(0);
  return undefined;
}

/** KeyValue list (key 1, value 2) as a plain object. */
function attributes(list: Uint8Array[]): Record<string, unknown> {
  return Object.fromEntries(
    list.map((kv) => {
      const f = fields(kv);
      const value = first(f, 2);
      return [text(first(f, 1)), value === undefined ? undefined : anyValue(value as Uint8Array)];
    }),
  );
}

/** A span as OTLP's JSON encoding has it (ids in hex). */
export interface DecodedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
}

/** The spans of one export request, with the service.name of their resource. */
export function decodeTraces(body: Uint8Array): { service: string | undefined; span: DecodedSpan }[] {
  const out: { service: string | undefined; span: DecodedSpan }[] = [];
  for (const rs of bytesOf(fields(body), 1)) {
    const rsFields = fields(rs);
    const resource = first(rsFields, 1);
    const service = resource === undefined ? undefined : (attributes(bytesOf(fields(resource as Uint8Array), 1))['service.name'] as string);
    for (const ss of bytesOf(rsFields, 2)) {
      for (const s of bytesOf(fields(ss), 2)) {
        const f = fields(s);
        const status = first(f, 15);
        const statusFields = status === undefined ? [] : fields(status as Uint8Array);
        const code = first(statusFields, 3) as number | undefined;
        const message = first(statusFields, 2);
        out.push({
          service,
          span: {
            traceId: hex(first(f, 1)),
            spanId: hex(first(f, 2)),
            parentSpanId: hex(first(f, 4)),
            name: text(first(f, 5)),
            kind: (first(f, 6) as number | undefined) ?? 0,
            attributes: attributes(bytesOf(f, 9)),
            events: bytesOf(f, 11).map((e) => {
              const ef = fields(e);
              return { name: text(first(ef, 2)), attributes: attributes(bytesOf(ef, 3)) };
            }),
            links: bytesOf(f, 13).map((l) => {
              const lf = fields(l);
              return { traceId: hex(first(lf, 1)), spanId: hex(first(lf, 2)) };
            }),
            status: { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message: text(message) } : {}) },
          },
        });
      }
    }
  }
  return out;
}

/** How many spans an export request holds (walks the message structure, decodes no span). */
export function countSpans(body: Uint8Array): number {
  let n = 0;
  for (const rs of bytesOf(fields(body), 1)) for (const ss of bytesOf(fields(rs), 2)) n += fields(ss).filter((f) => f.no === 2).length;
  return n;
}
