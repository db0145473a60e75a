import { describe, expect, it } from 'vitest';
import { JOB_BASE_STATES, NODE_BASE_STATES, splitState } from '../../../lib/slurm/parse/state.js';

describe('splitState', () => {
  it('upper-cases a legacy lower-case state', () => {
    expect(splitState('idle', NODE_BASE_STATES)).toEqual({ state: 'IDLE', flags: [] });
  });

  it('adds legacy state_flags', () => {
    expect(splitState('down', NODE_BASE_STATES, ['NOT_RESPONDING'])).toEqual({
      state: 'DOWN',
      flags: ['NOT_RESPONDING'],
    });
  });

  it('finds the base state wherever it is in an array', () => {
    expect(splitState(['DRAIN', 'IDLE'], NODE_BASE_STATES)).toEqual({ state: 'IDLE', flags: ['DRAIN'] });
    expect(splitState(['COMPLETING', 'RUNNING'], JOB_BASE_STATES)).toEqual({
      state: 'RUNNING',
      flags: ['COMPLETING'],
    });
  });

  it('falls back to the first value when no base state is known', () => {
    expect(splitState(['SHINY_NEW', 'DRAIN'], NODE_BASE_STATES)).toEqual({
      state: 'SHINY_NEW',
      flags: ['DRAIN'],
    });
  });

  it('splits `+`-joined states and handles empty input', () => {
    expect(splitState('MIXED+DRAIN', NODE_BASE_STATES)).toEqual({ state: 'MIXED', flags: ['DRAIN'] });
    expect(splitState([], NODE_BASE_STATES)).toEqual({ state: '', flags: [] });
    expect(splitState(undefined, NODE_BASE_STATES)).toEqual({ state: '', flags: [] });
  });
});
