import { describe, expect, it } from 'vitest';
import { effectiveNodeState, NODE_STATES } from '../../lib/collectors/node-state.js';

// [base state, flags, expected effective state], reasoned from sinfo's compact state names.
const CASES: Array<[string, string[], string]> = [
  ['IDLE', [], 'idle'],
  ['IDLE', ['DRAIN'], 'drained'],
  ['MIXED', ['DRAIN'], 'draining'],
  ['ALLOCATED', ['DRAIN'], 'draining'],
  ['IDLE', ['DRAIN', 'COMPLETING'], 'draining'],
  ['DOWN', ['DRAIN', 'NOT_RESPONDING'], 'down'],
  ['IDLE', ['NOT_RESPONDING'], 'not_responding'],
  ['IDLE', ['DRAIN', 'NOT_RESPONDING'], 'drained'],
  ['IDLE', ['FAIL'], 'fail'],
  ['ALLOCATED', ['FAIL'], 'fail'],
  ['ERROR', [], 'error'],
  ['IDLE', ['POWERED_DOWN'], 'powered_down'],
  ['IDLE', ['POWERING_UP'], 'powering_up'],
  ['IDLE', ['MAINTENANCE', 'RESERVED'], 'maint'],
  ['MIXED', ['RESERVED'], 'reserved'],
  ['IDLE', ['REBOOT_REQUESTED'], 'rebooting'],
  ['IDLE', ['PLANNED'], 'planned'],
  ['ALLOCATED', ['COMPLETING'], 'completing'],
  ['FUTURE', [], 'future'],
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
