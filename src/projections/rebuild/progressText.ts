/** How `tusk-es rebuild` shows progress: a bar on a terminal, plain lines otherwise. */
import type { RebuildProgress } from './RebuildProgress.js';
import type { RebuildResult } from './rebuildProjection.js';

const WIDTH = 24;

/** One line for a terminal: `name [█████░░░]  52%  52,000/100,000 events  81,234 events/s  ETA 1s`. */
export function progressBar(p: RebuildProgress): string {
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  const filled = Math.round(ratio * WIDTH);
  return `${p.projection} [${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}] ${percent(ratio)}  ${counts(p)}  ${rate(p)}  ETA ${eta(p)}`;
}

/** One plain line: `name: 52000/100000 events (52%), 81234 events/s, ETA 1s`. */
export function progressLine(p: RebuildProgress): string {
  const ratio = p.total === 0 ? 1 : Math.min(1, p.done / p.total);
  return `${p.projection}: ${p.done}/${p.total} events (${percent(ratio).trim()}), ${Math.round(p.eventsPerSecond)} events/s, ETA ${eta(p)}`;
}

/** The summary of a finished rebuild. */
export function resultLine(r: RebuildResult): string {
  const seconds = r.durationMs / 1000;
  const perSecond = seconds > 0 ? Math.round(r.events / seconds) : r.events;
  return `${r.projection}: rebuilt from ${r.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)}s (${perSecond.toLocaleString('en-US')} events/s), at position ${r.position}`;
}

function percent(ratio: number): string {
  return `${Math.floor(ratio * 100)}%`.padStart(4);
}

function counts(p: RebuildProgress): string {
  return `${p.done.toLocaleString('en-US')}/${p.total.toLocaleString('en-US')} events`;
}

function rate(p: RebuildProgress): string {
  return `${Math.round(p.eventsPerSecond).toLocaleString('en-US')} events/s`;
}

function eta(p: RebuildProgress): string {
  if (p.etaMs === undefined) return '?';
  const s = Math.ceil(p.etaMs / 1000);
  return s < 60
    ? `${s}s`
    : s < 3600
      ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
      : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Shows progress on stderr: a bar redrawn in place on a terminal, else a line per second. */
export function progressWriter(): (p: RebuildProgress) => void {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (!p.finished && now - last < (tty ? 100 : 1000)) return;
    last = now;
    if (tty) process.stderr.write(`\r${progressBar(p)}\u001b[K${p.finished ? '\n' : ''}`);
    else process.stderr.write(`${progressLine(p)}\n`);
  };
}
