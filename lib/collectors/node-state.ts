/**
 * One effective state per node, derived from the base state AND its flags (upstream exporters looked at the
 * first state only, so an idle drained node counted as idle). Used by the nodes and partitions collectors.
 *
 * Precedence (first match wins):
 *  1. base DOWN → `down` (NOT_RESPONDING, DRAIN... included)
 *  2. flag FAIL → `fail`
 *  3. base ERROR → `error`
 *  4. flag DRAIN → `draining` when the node still runs work (ALLOCATED, MIXED or COMPLETING), else `drained`
 *  5. flag NOT_RESPONDING → `not_responding`
 *  6. flag POWERED_DOWN → `powered_down`; POWERING_UP → `powering_up`; POWERING_DOWN/POWER_DOWN → `powering_down`
 *  7. flag MAINTENANCE → `maint`
 *  8. flag REBOOT_REQUESTED/REBOOT_ISSUED → `rebooting`
 *  9. flag RESERVED → `reserved`
 * 10. flag PLANNED → `planned`
 * 11. flag COMPLETING → `completing`
 * 12. base ALLOCATED → `allocated`, MIXED → `mixed`, IDLE → `idle`, FUTURE → `future`, UNKNOWN → `unknown`,
 *     any other base state → its lower-case name.
 */
import type { SlurmNode } from '../slurm/model.js';

/** Effective states always emitted (0 when no node is in them), so alerts see 0 instead of absence. */
export const NODE_STATES = [
  'allocated',
  'completing',
  'down',
  'drained',
  'draining',
  'error',
  'fail',
  'future',
  'idle',
  'maint',
  'mixed',
  'not_responding',
  'planned',
  'powered_down',
  'powering_down',
  'powering_up',
  'rebooting',
  'reserved',
  'unknown',
] as const;

const FLAG_STATES: ReadonlyArray<readonly [string, string]> = [
  ['NOT_RESPONDING', 'not_responding'],
  ['POWERED_DOWN', 'powered_down'],
  ['POWERING_UP', 'powering_up'],
  ['POWERING_DOWN', 'powering_down'],
  ['POWER_DOWN', 'powering_down'],
  ['MAINTENANCE', 'maint'],
  ['REBOOT_REQUESTED', 'rebooting'],
  ['REBOOT_ISSUED', 'rebooting'],
  ['RESERVED', 'reserved'],
  ['PLANNED', 'planned'],
  ['COMPLETING', 'completing'],
];

export function effectiveNodeState(node: Pick<SlurmNode, 'state' | 'flags'>): string {
  const base = node.state.toUpperCase();
  const flags = new Set(node.flags.map((f) => f.toUpperCase()));
  if (base === 'DOWN') return 'down';
  if (flags.has('FAIL')) return 'fail';
  if (base === 'ERROR') return 'error';
  if (flags.has('DRAIN')) {
    return base === 'ALLOCATED' || base === 'MIXED' || flags.has('COMPLETING') ? 'draining' : 'drained';
  }
  for (const [flag, state] of FLAG_STATES) if (flags.has(flag)) return state;
  return base.toLowerCase();
}

/**
 * States whose unallocated CPUs are "other" rather than idle (sinfo `%C` semantics, as vpenso exported them):
 * the node cannot take new work.
 */
const UNAVAILABLE = new Set([
  'down',
  'drained',
  'draining',
  'fail',
  'error',
  'not_responding',
  'powered_down',
  'powering_down',
  'future',
  'unknown',
]);

/** CPUs of one node split into alloc / idle / other (sinfo `%C`). */
export function nodeCpuSplit(
  node: SlurmNode,
  state = effectiveNodeState(node),
): {
  alloc: number;
  idle: number;
  other: number;
  total: number;
} {
  const total = node.cpus;
  const alloc = Math.min(node.allocCpus ?? 0, total);
  const free = total - alloc;
  return UNAVAILABLE.has(state)
    ? { alloc, idle: 0, other: free, total }
    : { alloc, idle: free, other: 0, total };
}

/** GPUs of a node by type (`''` for untyped). */
export function nodeGpus(node: SlurmNode): Map<string, { total: number; allocated: number }> {
  const out = new Map<string, { total: number; allocated: number }>();
  for (const g of node.gres) {
    if (g.name !== 'gpu') continue;
    const cur = out.get(g.type) ?? { total: 0, allocated: 0 };
    cur.total += g.total;
    cur.allocated += g.allocated;
    out.set(g.type, cur);
  }
  return out;
}
