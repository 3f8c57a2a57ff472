/** A small live line chart in SVG (no chart library: a polyline is all a rate chart needs). */

/** Chart of `values` (newest last), with the latest value as the title figure. */
export function LineChart({ title, values, unit, max }: { title: string; values: (number | null)[]; unit: string; max?: number }) {
  const W = 320;
  const H = 90;
  const known = values.filter((v): v is number => v !== null);
  const top = Math.max(max ?? 0, ...known, 1) * 1.1;
  const step = values.length > 1 ? W / (values.length - 1) : W;
  const points = values
    .map((v, i) => (v === null ? undefined : `${(i * step).toFixed(1)},${(H - (v / top) * H).toFixed(1)}`))
    .filter((p) => p !== undefined);
  const last = values.at(-1);
  return (
    <figure class="chart" data-chart={title}>
      <figcaption>
        <span>{title}</span>
        <strong>
          {last === null || last === undefined ? '—' : `${last < 10 ? last.toFixed(1) : Math.round(last).toLocaleString()} ${unit}`}
        </strong>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={title}>
        <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} class="axis" />
        {points.length > 1 ? <polyline points={points.join(' ')} /> : null}
      </svg>
      <div class="scale">
        max {top < 10 ? top.toFixed(1) : Math.round(top).toLocaleString()} {unit}
      </div>
    </figure>
  );
}
