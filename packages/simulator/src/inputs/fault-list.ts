import { FAULT_KINDS, isFaultKind, type FaultKind } from '@faultline/runtime';
import { ConfigError } from '../config-error.ts';

/**
 * Parses `--faults`: a comma list of fault kinds; `none` or an empty string means no
 * faults. Repeats are dropped; the order is the one given.
 */
export function parseFaultList(text: string): FaultKind[] {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w !== '');
  if (words.length === 1 && words[0] === 'none') return [];
  const out: FaultKind[] = [];
  for (const w of words) {
    if (!isFaultKind(w))
      throw new ConfigError(`unknown fault kind '${w}' in --faults (valid: ${FAULT_KINDS.join(', ')}, or none)`);
    if (!out.includes(w)) out.push(w);
  }
  return out;
}

/** How a fault list is written back on a command line: `none` for no faults. */
export function formatFaultList(faults: readonly FaultKind[]): string {
  return faults.length === 0 ? 'none' : faults.join(',');
}
