import { describe, expect, it, vi } from 'vitest';

describe('isColdStart', () => {
  it('is true exactly once per module instance (= per Lambda container)', async () => {
    vi.resetModules();
    const first = await import('../../lib/observability/cold-start.js');
    expect([first.isColdStart(), first.isColdStart(), first.isColdStart()]).toEqual([true, false, false]);
    expect(first.containerLoadedAtMs()).toBeLessThanOrEqual(Date.now());

    // A new container = a fresh module instance.
    vi.resetModules();
    const second = await import('../../lib/observability/cold-start.js');
    expect(second).not.toBe(first);
    expect(second.isColdStart()).toBe(true);
    expect(first.isColdStart()).toBe(false);
  });
});
