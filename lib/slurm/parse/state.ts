/**
 * Slurm state values → `{state, flags}` (upper-case open strings).
 * v0.0.36 prints a lower-case base state only, v0.0.37/38 a base state plus `state_flags`, v0.0.39+ one array
 * mixing the base state and flags in no guaranteed order.
 */
import { JOB_BASE_STATE_LIST } from '../model.js';

export const NODE_BASE_STATES: ReadonlySet<string> = new Set([
  'UNKNOWN',
  'DOWN',
  'IDLE',
  'ALLOCATED',
  'ERROR',
  'MIXED',
  'FUTURE',
  'EXTERNAL',
]);

export const JOB_BASE_STATES: ReadonlySet<string> = new Set(JOB_BASE_STATE_LIST);

export interface SplitState {
  state: string;
  flags: string[];
}

/**
 * Picks the base state: the first element that is a known base state, else the first element (unknown values
 * must not break parsing); everything else becomes a flag. Extra flags (legacy `state_flags`) are appended.
 */
export function splitState(
  value: string | readonly string[] | null | undefined,
  baseStates: ReadonlySet<string>,
  extraFlags: readonly string[] = [],
): SplitState {
  // Some builds join states with `+` in one string (`IDLE+DRAIN`).
  const values = (typeof value === 'string' ? [value] : (value ?? []))
    .flatMap((v) => v.split('+'))
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== '');
  const extras = extraFlags.map((v) => v.trim().toUpperCase()).filter((v) => v !== '');
  let index = values.findIndex((v) => baseStates.has(v));
  if (index < 0) index = 0;
  const state = values[index] ?? '';
  const flags = values.filter((_, i) => i !== index);
  for (const f of extras) if (!flags.includes(f) && f !== state) flags.push(f);
  return { state, flags };
}
