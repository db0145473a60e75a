/**
 * One effective state per node, derived from the base state AND its flags (upstream exporters looked at the
 * first state only, so an idle drained node counted as idle). Used by the nodes and partitions collectors.
 *
 * The precedence is Slurm's own `node_state_string()` (src/common/slurm_protocol_defs.c), which gives sinfo's
 * long state names (`%T`); the e2e test compares with sinfo on the lab. First match wins:
 *  1. flag MAINTENANCE on a node that is not draining, ALLOCATED, MIXED or DOWN → `maint` (sinfo `maint`)
 *  2. flag REBOOT_REQUESTED/REBOOT_ISSUED on a node that is not ALLOCATED or MIXED → `rebooting` (`reboot`)
 *  3. flag DRAIN → `draining` when the node still runs work (ALLOCATED, MIXED or COMPLETING), else `drained`
 *     — also for a DOWN node (sinfo shows DOWN+DRAIN as `drained`)
 *  4. flag FAIL → `fail` (sinfo `fail`/`failing`)
 *  5. base DOWN → `down` (`down*` etc.: suffix flags such as NOT_RESPONDING do not change it)
 *  6. base ERROR → `error` (older Slurm)
 *  7. base ALLOCATED → `allocated` (`allocated+` = COMPLETING, `allocated*` = NOT_RESPONDING)
 *  8. flag COMPLETING → `completing` (MIXED and IDLE nodes: sinfo says `completing`)
 *  9. base IDLE: the state-suffix flags are kept apart because an idle node with them cannot simply take work:
 *     POWERING_UP → `powering_up` (`idle#`), POWERING_DOWN/POWER_DOWN → `powering_down` (`idle%`, `idle!`),
 *     POWERED_DOWN → `powered_down` (`idle~`), NOT_RESPONDING → `not_responding` (`idle*`); then RESERVED →
 *     `reserved`, PLANNED → `planned`, else `idle`
 * 10. base MIXED → `mixed` (RESERVED/PLANNED on a busy node do not change it: sinfo `mixed`, `mixed-`)
 * 11. base UNKNOWN with a power flag → that power state (Slurm prints the flag alone), FUTURE → `future`,
 *     UNKNOWN → `unknown`, any other base state → its lower-case name.
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

/** Suffix flags of an IDLE (or UNKNOWN) node, in node_state_string's order. */
const IDLE_SUFFIX_STATES: ReadonlyArray<readonly [string, string]> = [
  ['POWERING_UP', 'powering_up'],
  ['POWERING_DOWN', 'powering_down'],
  ['POWERED_DOWN', 'powered_down'],
  ['POWER_DOWN', 'powering_down'],
  ['NOT_RESPONDING', 'not_responding'],
];

export function effectiveNodeState(node: Pick<SlurmNode, 'state' | 'flags'>): string {
  const base = node.state.toUpperCase();
  const flags = new Set(node.flags.map((f) => f.toUpperCase()));
  const busy = base === 'ALLOCATED' || base === 'MIXED';
  const drain = flags.has('DRAIN');
  if (flags.has('MAINTENANCE') && !drain && !busy && base !== 'DOWN') return 'maint';
  if ((flags.has('REBOOT_REQUESTED') || flags.has('REBOOT_ISSUED')) && !busy) return 'rebooting';
  if (drain) return busy || flags.has('COMPLETING') ? 'draining' : 'drained';
  if (flags.has('FAIL')) return 'fail';
  if (base === 'DOWN') return 'down';
  if (base === 'ERROR') return 'error';
  if (base === 'ALLOCATED') return 'allocated';
  if (flags.has('COMPLETING')) return 'completing';
  if (base === 'IDLE') {
    for (const [flag, state] of IDLE_SUFFIX_STATES) if (flags.has(flag)) return state;
    if (flags.has('RESERVED')) return 'reserved';
    if (flags.has('PLANNED')) return 'planned';
    return 'idle';
  }
  if (base === 'UNKNOWN') {
    for (const [flag, state] of IDLE_SUFFIX_STATES)
      if (flag !== 'NOT_RESPONDING' && flags.has(flag)) return state;
  }
  return base.toLowerCase();
}

/** The `state` values of the CPU metrics (slurm_cpus, slurm_partition_cpus): nodeCpuSplit's keys. */
export const CPU_STATES = ['alloc', 'idle', 'other', 'total'] as const;
export type CpuState = (typeof CPU_STATES)[number];

/**
 * CPUs of one node split into alloc / idle / other exactly as sinfo `%C` does (sinfo.c `_update_sinfo`): the
 * unallocated CPUs are "other" on a DRAIN-flagged or base-DOWN node and "idle" on every other node (so idle
 * CPUs of powered-down or not-responding idle nodes count as idle, like sinfo).
 */
export function nodeCpuSplit(
  node: Pick<SlurmNode, 'state' | 'flags' | 'cpus' | 'allocCpus'>,
): Record<CpuState, number> {
  const total = node.cpus;
  const alloc = Math.min(node.allocCpus ?? 0, total);
  const free = total - alloc;
  const unavailable =
    node.state.toUpperCase() === 'DOWN' || node.flags.some((f) => f.toUpperCase() === 'DRAIN');
  return unavailable ? { alloc, idle: 0, other: free, total } : { alloc, idle: free, other: 0, total };
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
