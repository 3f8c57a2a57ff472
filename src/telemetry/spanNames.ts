/**
 * Span names made once per pair of parts (a command's aggregate type and name, a request's
 * method and route), not per span: a name built per span is a string allocated per command and
 * flattened again when the span is written (bench/README.md, tracing).
 */
// The parts of a command's name come from the request: past this many names, no more are kept.
const MAX_NAMES = 1024;

/** Names `make(first, second)`, each made once (up to MAX_NAMES, then made per call). */
export class SpanNames {
  private readonly names = new Map<string, Map<string, string>>();
  private size = 0;

  constructor(private readonly make: (first: string, second: string) => string) {}

  /** The name of `first` and `second`. */
  get(first: string, second: string): string {
    let seconds = this.names.get(first);
    let name = seconds?.get(second);
    if (name !== undefined) return name;
    name = this.make(first, second);
    if (this.size < MAX_NAMES) {
      if (seconds === undefined) this.names.set(first, (seconds = new Map<string, string>()));
      seconds.set(second, name);
      this.size++;
    }
    return name;
  }
}
