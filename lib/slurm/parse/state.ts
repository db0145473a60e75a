/**
 * Slurm state values → `{state, flags}` (upper-case open strings).
 * v0.0.36 prints a lower-case base state only, v0.0.37/38 a base state plus `state_flags`, v0.0.39+ one array
 * mixing the base state and flags in no guaranteed order.
 */
import { JOB_BASE_STATE_LIST } from '../model.js';
import { memoByString } from './memo.js';

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

/** One memo per set of base states: the same text splits differently for nodes and jobs. */
const memos = new WeakMap<ReadonlySet<string>, (key: string) => SplitState>();

/**
 * Picks the base state: the first element that is a known base state, else the first element (unknown values
 * must not break parsing); everything else becomes a flag. Extra flags (legacy `state_flags`) are appended.
 * The result is shared (frozen) between equal inputs.
 */
export function splitState(
  value: string | readonly string[] | null | undefined,
  baseStates: ReadonlySet<string>,
  extraFlags: readonly string[] = [],
): Readonly<SplitState> {
  let memo = memos.get(baseStates);
  if (memo === undefined) {
    memo = memoByString((key) => splitUncached(key, baseStates));
    memos.set(baseStates, memo);
  }
  // Array elements are split on `+` anyway, so joining them with `+` keeps the meaning; NUL (never in a state
  // name) separates the extra flags.
  const values = typeof value === 'string' ? value : (value ?? []).join('+');
  return memo(extraFlags.length === 0 ? values : `${values}\u0000${extraFlags.join('\u0000')}`);
}

function splitUncached(key: string, baseStates: ReadonlySet<string>): SplitState {
  const [joined = '', ...extraFlags] = key.split('\u0000');
  // Some builds join states with `+` in one string (`IDLE+DRAIN`).
  const values = joined
    .split('+')
    .map((v) => v.trim().toUpperCase())
    .filter((v) => v !== '');
  const extras = extraFlags.map((v) => v.trim().toUpperCase()).filter((v) => v !== '');
  let index = values.findIndex((v) => baseStates.has(v));
  if (index < 0) index = 0;
  const state = values[index] ?? '';
  const flags = values.filter((_, i) => i !== index);
  for (const f of extras) if (!flags.includes(f) && f !== state) flags.push(f);
  Object.freeze(flags);
  return { state, flags };
}
