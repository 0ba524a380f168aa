/** Small number and duration formatters. Locale-free, so output is the same everywhere. */

/** 1234567 -> "1,234,567". */
export function grouped(n: number): string {
  const [int = '', frac] = String(Math.abs(Math.round(n * 1000) / 1000)).split('.');
  const body = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${n < 0 ? '-' : ''}${body}${frac !== undefined ? `.${frac}` : ''}`;
}

/** A duration for people: "850 ms", "12.3 s", "4m 05s", "2h 03m". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Simulated milliseconds with fixed decimals, as traces print them. */
export function simMs(ms: number): string {
  return ms.toFixed(3);
}

/** `n` and a noun, pluralised with an s. */
export function count(n: number, noun: string): string {
  return `${grouped(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/** `text` cut to `width` characters, with an ellipsis when cut. */
export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 1 ? text.slice(0, width) : `${text.slice(0, width - 1)}…`;
}

/** JSON for display: never throws (cycles, BigInt) and shows `undefined`. */
export function showJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
