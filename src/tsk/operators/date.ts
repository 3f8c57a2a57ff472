/** `@date("Y-m-d H:i:s")`: the load time formatted with PHP `date()` letters, in UTC. */
import { error } from '../../diagnostics.js';
import type { OperatorCall } from './context.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function dayOfYear(d: Date): number {
  return Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000);
}

/** ISO-8601 week number and week-based year. */
function isoWeek(d: Date): { week: number; year: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow); // the Thursday of this week decides the year
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return { week, year };
}

function suffix(day: number): string {
  if (day >= 11 && day <= 13) return 'th';
  return ['th', 'st', 'nd', 'rd'][day % 10] ?? 'th';
}

/** Formats `date` like PHP's `date(format)` in UTC; a backslash escapes the next character. */
export function formatPhpDate(format: string, date: Date): string {
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch === '\\') {
      out += format[i + 1] ?? '';
      i++;
      continue;
    }
    out += letter(ch, date);
  }
  return out;
}

function letter(ch: string, d: Date): string {
  const Y = d.getUTCFullYear();
  const M = d.getUTCMonth();
  const D = d.getUTCDate();
  const H = d.getUTCHours();
  const w = d.getUTCDay();
  const h12 = H % 12 === 0 ? 12 : H % 12;
  switch (ch) {
    case 'd':
      return pad(D);
    case 'D':
      return DAYS[w]!.slice(0, 3);
    case 'j':
      return String(D);
    case 'l':
      return DAYS[w]!;
    case 'N':
      return String(w === 0 ? 7 : w);
    case 'S':
      return suffix(D);
    case 'w':
      return String(w);
    case 'z':
      return String(dayOfYear(d));
    case 'W':
      return pad(isoWeek(d).week);
    case 'F':
      return MONTHS[M]!;
    case 'm':
      return pad(M + 1);
    case 'M':
      return MONTHS[M]!.slice(0, 3);
    case 'n':
      return String(M + 1);
    case 't':
      return String(new Date(Date.UTC(Y, M + 1, 0)).getUTCDate());
    case 'L':
      return isLeap(Y) ? '1' : '0';
    case 'o':
      return String(isoWeek(d).year);
    case 'Y':
      return String(Y);
    case 'y':
      return pad(Y % 100);
    case 'a':
      return H < 12 ? 'am' : 'pm';
    case 'A':
      return H < 12 ? 'AM' : 'PM';
    case 'g':
      return String(h12);
    case 'G':
      return String(H);
    case 'h':
      return pad(h12);
    case 'H':
      return pad(H);
    case 'i':
      return pad(d.getUTCMinutes());
    case 's':
      return pad(d.getUTCSeconds());
    case 'u':
      return pad(d.getUTCMilliseconds() * 1000, 6);
    case 'v':
      return pad(d.getUTCMilliseconds(), 3);
    case 'e':
      return 'UTC';
    case 'T':
      return 'UTC';
    case 'P':
      return '+00:00';
    case 'O':
      return '+0000';
    case 'Z':
      return '0';
    case 'c':
      return formatPhpDate('Y-m-d\\TH:i:sP', d);
    case 'r':
      return formatPhpDate('D, d M Y H:i:s O', d);
    case 'U':
      return String(Math.floor(d.getTime() / 1000));
    default:
      return ch;
  }
}

/** The operator: one optional format argument (default `Y-m-d H:i:s`). */
export function dateOperator(call: OperatorCall): unknown {
  const [format = 'Y-m-d H:i:s'] = call.args;
  if (call.args.length > 1 || typeof format !== 'string') {
    call.context.diagnostics.push(error('TSK_OPERATOR_ARGS', '@date takes one format string: @date("Y-m-d H:i:s")', call.location));
    return null;
  }
  return formatPhpDate(format, call.context.options.now ?? new Date());
}
