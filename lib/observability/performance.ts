/**
 * Per-invocation resource measurement (`observability.performance_monitoring`).
 *
 * Upstream sampled the process every `interval` in a long-running server. A Lambda container runs one
 * invocation at a time and is frozen in between, so the meaningful unit is the invocation: we measure CPU
 * time and wall time from handler start to end and memory at the end. `interval` is accepted for config
 * compatibility and ignored.
 */
import type { Logger } from './logger.js';

/** `observability.performance_monitoring` (snake_case, as in the config file). */
export interface PerformanceConfig {
  enabled: boolean;
  /** Accepted for compatibility; per-invocation in Lambda. */
  interval?: unknown;
  /** V8 heap in use (bytes) above which a warning is logged; 0 or absent = no check. */
  memory_threshold?: number;
  /** CPU time as % of the invocation's wall time above which a warning is logged; 0 or absent = no check. */
  cpu_threshold?: number;
}

export interface InvocationMeasure {
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** (user + system) / wall × 100; can exceed 100 when several threads (GC, libuv pool) work in parallel. */
  cpuPercent: number;
  /** Resident set size at the end of the invocation. */
  rssBytes: number;
  heapUsedBytes: number;
  /** Peak resident set size of the process so far (the whole container life, not only this invocation). */
  peakRss: number;
}

export interface ThresholdFlags {
  memory: boolean;
  cpu: boolean;
}

/** Process probes; injectable so tests can drive exact numbers. */
export interface ProcessProbes {
  now(): number;
  cpuUsage(): { user: number; system: number };
  memoryUsage(): { rss: number; heapUsed: number };
  /** Peak RSS in kilobytes (as `process.resourceUsage().maxRSS`). */
  maxRssKb(): number;
}

export const nodeProbes: ProcessProbes = {
  now: () => performance.now(),
  cpuUsage: () => process.cpuUsage(),
  memoryUsage: () => process.memoryUsage(),
  maxRssKb: () => process.resourceUsage().maxRSS,
};

export interface InvocationMeter {
  /** Ends the measurement (may be called more than once; each call measures up to now). */
  stop(): InvocationMeasure;
}

/** Starts measuring the current invocation. */
export function startInvocationMeter(probes: ProcessProbes = nodeProbes): InvocationMeter {
  const t0 = probes.now();
  const cpu0 = probes.cpuUsage();
  return {
    stop: () => {
      const wallMs = Math.max(0, probes.now() - t0);
      const cpu = probes.cpuUsage();
      const cpuUserMs = Math.max(0, (cpu.user - cpu0.user) / 1000);
      const cpuSystemMs = Math.max(0, (cpu.system - cpu0.system) / 1000);
      const mem = probes.memoryUsage();
      return {
        wallMs,
        cpuUserMs,
        cpuSystemMs,
        cpuPercent: wallMs > 0 ? ((cpuUserMs + cpuSystemMs) / wallMs) * 100 : 0,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        peakRss: probes.maxRssKb() * 1024,
      };
    },
  };
}

/**
 * Compares the invocation's numbers with the thresholds. Logs ONE warning naming every exceeded resource with
 * the numbers, and returns the flags for `slurm_exporter_performance_threshold_exceeded{resource}`.
 * Memory compares the heap in use at the end of the invocation, as upstream and the config key describe (RSS
 * includes the ~50 MB Node/V8 baseline and the container-lifetime peak would warn forever; both are reported
 * as self-metrics instead).
 */
export function checkThresholds(
  m: InvocationMeasure,
  cfg: PerformanceConfig,
  logger: Logger,
): ThresholdFlags {
  const flags: ThresholdFlags = { memory: false, cpu: false };
  if (!cfg.enabled) return flags;
  const memLimit = cfg.memory_threshold ?? 0;
  const cpuLimit = cfg.cpu_threshold ?? 0;
  flags.memory = memLimit > 0 && m.heapUsedBytes > memLimit;
  flags.cpu = cpuLimit > 0 && m.cpuPercent > cpuLimit;
  if (flags.memory || flags.cpu) {
    const exceeded = [flags.memory ? 'memory' : '', flags.cpu ? 'cpu' : ''].filter(Boolean).join(', ');
    logger.warn(`performance threshold exceeded: ${exceeded}`, {
      heap_used_bytes: m.heapUsedBytes,
      memory_threshold_bytes: memLimit || undefined,
      rss_bytes: m.rssBytes,
      peak_rss_bytes: m.peakRss,
      cpu_percent: Math.round(m.cpuPercent * 10) / 10,
      cpu_threshold_percent: cpuLimit || undefined,
      cpu_user_ms: Math.round(m.cpuUserMs),
      cpu_system_ms: Math.round(m.cpuSystemMs),
      duration_ms: Math.round(m.wallMs),
    });
  }
  return flags;
}
