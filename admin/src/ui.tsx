/** Small shared pieces of the admin page: JSON, errors, a polling hook, formatting. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.js';

/** A JSON value, pretty-printed. */
export function Json({ value, class: cls }: { value: unknown; class?: string }) {
  return <pre class={`json ${cls ?? ''}`}>{JSON.stringify(value, null, 2)}</pre>;
}

/** An error message, or nothing. */
export function ErrorBox({ error }: { error: unknown }) {
  if (error === undefined || error === null) return null;
  return (
    <div class="error" role="alert">
      {error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error)}
    </div>
  );
}

/** A titled panel. */
export function Panel({
  title,
  children,
  actions,
}: {
  title: ComponentChildren;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <section class="panel">
      <header>
        <h2>{title}</h2>
        <div class="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** Fetches `path` (again every `everyMs` when given); `path` undefined fetches nothing. */
export function useApi<T>(
  path: string | undefined,
  everyMs?: number,
  nonce = 0,
): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (path === undefined) return undefined;
    let live = true;
    const load = () =>
      api<T>(path).then(
        (d) => live && (setData(d), setError(undefined)),
        (e: unknown) => live && setError(e),
      );
    void load();
    const timer = everyMs === undefined ? undefined : setInterval(() => void load(), everyMs);
    return () => {
      live = false;
      if (timer !== undefined) clearInterval(timer);
    };
  }, [path, everyMs, tick, nonce]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

/** `1.2 MB`. */
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** A local time with seconds. */
export function time(iso: string | number): string {
  return new Date(iso).toLocaleString(undefined, { hour12: false });
}
