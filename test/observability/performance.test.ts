import { describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/observability/logger.js';
import {
  checkThresholds,
  type InvocationMeasure,
  type ProcessProbes,
  startInvocationMeter,
} from '../../lib/observability/performance.js';

/** Probes driven by the test: time, CPU (µs) and memory move only when told. */
function fakeProbes() {
  const s = { now: 1000, user: 5_000_000, system: 1_000_000, rss: 80e6, heapUsed: 20e6, maxRssKb: 100_000 };
  const probes: ProcessProbes = {
    now: () => s.now,
    cpuUsage: () => ({ user: s.user, system: s.system }),
    memoryUsage: () => ({ rss: s.rss, heapUsed: s.heapUsed }),
    maxRssKb: () => s.maxRssKb,
  };
  return { s, probes };
}

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', sink: (l) => lines.push(l) }) };
}

const measure = (over: Partial<InvocationMeasure> = {}): InvocationMeasure => ({
  wallMs: 1000,
  cpuUserMs: 300,
  cpuSystemMs: 100,
  cpuPercent: 40,
  rssBytes: 90e6,
  heapUsedBytes: 50e6,
  peakRss: 120e6,
  ...over,
});

describe('startInvocationMeter', () => {
  it('measures wall time, CPU deltas (µs → ms), CPU share and memory at stop', () => {
    const { s, probes } = fakeProbes();
    const meter = startInvocationMeter(probes);
    s.now += 2000;
    s.user += 900_000;
    s.system += 100_000;
    s.rss = 120e6;
    s.heapUsed = 60e6;
    s.maxRssKb = 150_000;
    expect(meter.stop()).toEqual({
      wallMs: 2000,
      cpuUserMs: 900,
      cpuSystemMs: 100,
      cpuPercent: 50,
      rssBytes: 120e6,
      heapUsedBytes: 60e6,
      peakRss: 150_000 * 1024,
    });
  });

  it('reports 0 % CPU for a zero-length invocation instead of dividing by zero', () => {
    const { probes } = fakeProbes();
    expect(startInvocationMeter(probes).stop().cpuPercent).toBe(0);
  });

  it('works with the real process probes', async () => {
    const meter = startInvocationMeter();
    const end = Date.now() + 20;
    let x = 0;
    while (Date.now() < end) x += Math.sqrt(x + 1); // burn a little CPU, bounded by time
    await new Promise((r) => setTimeout(r, 5));
    const m = meter.stop();
    expect(x).toBeGreaterThan(0);
    expect(m.wallMs).toBeGreaterThan(0);
    expect(m.cpuUserMs + m.cpuSystemMs).toBeGreaterThan(0);
    expect(m.rssBytes).toBeGreaterThan(m.heapUsedBytes);
    expect(m.peakRss).toBeGreaterThanOrEqual(m.rssBytes * 0.5);
  });
});

describe('checkThresholds', () => {
  it('returns no flags and logs nothing under the thresholds', () => {
    const { lines, logger } = capture();
    const flags = checkThresholds(
      measure(),
      { enabled: true, memory_threshold: 100e6, cpu_threshold: 80 },
      logger,
    );
    expect(flags).toEqual({ memory: false, cpu: false });
    expect(lines).toHaveLength(0);
  });

  it('flags heap over memory_threshold and CPU share over cpu_threshold with ONE warning carrying the numbers', () => {
    const { lines, logger } = capture();
    const m = measure({ heapUsedBytes: 150e6, cpuPercent: 93.26 });
    const flags = checkThresholds(
      m,
      { enabled: true, memory_threshold: 100e6, cpu_threshold: 80, interval: 30000 },
      logger,
    );
    expect(flags).toEqual({ memory: true, cpu: true });
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line.level).toBe('warn');
    expect(line.message).toContain('memory');
    expect(line.message).toContain('cpu');
    expect(line).toMatchObject({
      heap_used_bytes: 150e6,
      memory_threshold_bytes: 100e6,
      cpu_percent: 93.3,
      cpu_threshold_percent: 80,
      rss_bytes: m.rssBytes,
      duration_ms: m.wallMs,
    });
  });

  it('flags only the exceeded resource; 0 thresholds and enabled=false disable the checks', () => {
    const { lines, logger } = capture();
    expect(
      checkThresholds(
        measure({ cpuPercent: 99 }),
        { enabled: true, memory_threshold: 1, cpu_threshold: 0 },
        logger,
      ),
    ).toEqual({
      memory: true,
      cpu: false,
    });
    expect(JSON.parse(lines[0] as string).message).not.toContain('cpu');
    expect(
      checkThresholds(
        measure({ cpuPercent: 99 }),
        { enabled: false, memory_threshold: 1, cpu_threshold: 1 },
        logger,
      ),
    ).toEqual({
      memory: false,
      cpu: false,
    });
    expect(lines).toHaveLength(1);
  });
});
