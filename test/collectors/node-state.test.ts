import { describe, expect, it } from 'vitest';
import { effectiveNodeState, NODE_STATES, nodeCpuSplit } from '../../lib/collectors/node-state.js';

// [base state, flags, expected effective state], with the long name Slurm's node_state_string() gives (what
// `sinfo -o %T` prints) in the comment: the effective state is that name without its suffix, except that an
// idle node's suffix flag (*, ~, #, %) is a state of its own.
const CASES: Array<[string, string[], string]> = [
  ['IDLE', [], 'idle'], // idle
  ['IDLE', ['DRAIN'], 'drained'], // drained
  ['MIXED', ['DRAIN'], 'draining'], // draining
  ['ALLOCATED', ['DRAIN'], 'draining'], // draining
  ['IDLE', ['DRAIN', 'COMPLETING'], 'draining'], // draining
  ['DOWN', ['DRAIN', 'NOT_RESPONDING'], 'drained'], // drained*: DRAIN wins over DOWN
  ['DOWN', ['DRAIN'], 'drained'], // drained
  ['DOWN', ['NOT_RESPONDING'], 'down'], // down*
  ['DOWN', ['MAINTENANCE'], 'down'], // down$
  ['DOWN', ['FAIL'], 'fail'], // fail
  ['IDLE', ['NOT_RESPONDING'], 'not_responding'], // idle*
  ['IDLE', ['DRAIN', 'NOT_RESPONDING'], 'drained'], // drained*
  ['IDLE', ['FAIL'], 'fail'], // fail
  ['ALLOCATED', ['FAIL'], 'fail'], // failing
  ['ERROR', [], 'error'],
  ['IDLE', ['POWERED_DOWN'], 'powered_down'], // idle~
  ['IDLE', ['POWERING_UP'], 'powering_up'], // idle#
  ['IDLE', ['POWERING_DOWN'], 'powering_down'], // idle%
  ['UNKNOWN', ['POWERED_DOWN'], 'powered_down'], // powered_down
  ['IDLE', ['MAINTENANCE', 'RESERVED'], 'maint'], // maint
  ['IDLE', ['MAINTENANCE', 'NOT_RESPONDING'], 'maint'], // maint*
  ['ALLOCATED', ['MAINTENANCE'], 'allocated'], // allocated$
  ['IDLE', ['DRAIN', 'MAINTENANCE'], 'drained'], // drained$
  ['IDLE', ['RESERVED'], 'reserved'], // reserved
  ['MIXED', ['RESERVED'], 'mixed'], // mixed: the lab's node in an active reservation
  ['MIXED', ['PLANNED'], 'mixed'], // mixed-
  ['IDLE', ['REBOOT_REQUESTED'], 'rebooting'], // reboot
  ['IDLE', ['DRAIN', 'REBOOT_REQUESTED'], 'rebooting'], // reboot (scontrol reboot ASAP)
  ['MIXED', ['REBOOT_REQUESTED'], 'mixed'], // mixed@
  ['IDLE', ['PLANNED'], 'planned'], // planned
  ['ALLOCATED', ['COMPLETING'], 'allocated'], // allocated+
  ['MIXED', ['COMPLETING'], 'completing'], // completing
  ['IDLE', ['COMPLETING'], 'completing'], // completing
  ['ALLOCATED', ['NOT_RESPONDING'], 'allocated'], // allocated*
  ['FUTURE', [], 'future'], // future
  ['idle', ['drain'], 'drained'],
  ['EXTERNAL', [], 'external'],
];

describe('effectiveNodeState', () => {
  it.each(CASES)('%s + %j → %s', (state, flags, expected) => {
    expect(effectiveNodeState({ state, flags })).toBe(expected);
  });

  it('lists every state the rules can produce for a known base state', () => {
    const produced = new Set(CASES.filter(([s]) => s !== 'EXTERNAL').map(([, , e]) => e));
    for (const s of produced) expect(NODE_STATES).toContain(s);
  });
});

describe('nodeCpuSplit (sinfo %C)', () => {
  const n = (state: string, flags: string[], allocCpus: number) => ({ state, flags, cpus: 8, allocCpus });

  it('counts unallocated CPUs of DRAIN-flagged and DOWN nodes as other', () => {
    expect(nodeCpuSplit(n('IDLE', ['DRAIN'], 0))).toEqual({ alloc: 0, idle: 0, other: 8, total: 8 });
    expect(nodeCpuSplit(n('MIXED', ['DRAIN'], 3))).toEqual({ alloc: 3, idle: 0, other: 5, total: 8 });
    expect(nodeCpuSplit(n('DOWN', ['NOT_RESPONDING'], 0))).toEqual({ alloc: 0, idle: 0, other: 8, total: 8 });
  });

  it('counts them as idle on every other node, powered down or not responding included (like sinfo)', () => {
    expect(nodeCpuSplit(n('MIXED', [], 3))).toEqual({ alloc: 3, idle: 5, other: 0, total: 8 });
    expect(nodeCpuSplit(n('IDLE', ['POWERED_DOWN'], 0))).toEqual({ alloc: 0, idle: 8, other: 0, total: 8 });
    expect(nodeCpuSplit(n('IDLE', ['NOT_RESPONDING'], 0))).toEqual({ alloc: 0, idle: 8, other: 0, total: 8 });
  });

  it('treats an unknown allocation (v0.0.36) as 0 and caps it at the node size', () => {
    expect(nodeCpuSplit({ state: 'ALLOCATED', flags: [], cpus: 8, allocCpus: null })).toEqual({
      alloc: 0,
      idle: 8,
      other: 0,
      total: 8,
    });
    expect(nodeCpuSplit(n('ALLOCATED', [], 12)).alloc).toBe(8);
  });
});
