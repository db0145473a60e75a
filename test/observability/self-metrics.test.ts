import { describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../lib/collectors/types.js';
import type { ApiRequestInfo, CollectorStatus } from '../../lib/observability/events.js';
import {
  buildSelfMetrics,
  SELF_METRIC_DEFS,
  type SelfMetricsInput,
  SelfMetricsState,
  safeTarget,
} from '../../lib/observability/self-metrics.js';
import { assertNoSecrets, TEST_PUSH_PASSWORD } from '../helpers/secret-scan.js';

const statuses: CollectorStatus[] = [
  { name: 'nodes', ok: true, durationMs: 250, series: 40, dropped: 3 },
  { name: 'jobs', ok: false, durationMs: 1500, series: 0, error: { type: 'timeout', message: 'timed out' } },
  { name: 'accounts', ok: false, skipped: true, durationMs: 0, series: 0 },
];
const requests: ApiRequestInfo[] = [
  {
    endpoint: 'nodes',
    method: 'get',
    path: '/slurm/v0.0.40/nodes',
    status: 200,
    durationMs: 120,
    bytes: 1000,
  },
  { endpoint: 'diag', method: 'GET', path: '/slurm/v0.0.40/diag', status: 200, durationMs: 30, bytes: 10 },
  { endpoint: 'diag', method: 'GET', path: '/slurm/v0.0.40/diag', status: 200, durationMs: 80, bytes: 10 },
  {
    endpoint: 'jobs',
    method: 'GET',
    path: '/slurm/v0.0.40/jobs',
    status: 0,
    durationMs: 1500,
    bytes: 0,
    errorType: 'timeout',
  },
];

function input(over: Partial<SelfMetricsInput> = {}): SelfMetricsInput {
  return {
    statuses,
    requests,
    breakerStates: [
      { endpoint: 'jobs', state: 1 },
      { endpoint: 'nodes', state: 0 },
    ],
    coldStart: true,
    apiVersion: 'v0.0.40',
    version: '1.2.3',
    nodeVersion: 'v20.0.0',
    nowSeconds: 1_700_000_000,
    state: new SelfMetricsState(),
    process: { rssBytes: 90e6, heapUsedBytes: 30e6, cpuUserMs: 400, cpuSystemMs: 50, peakRssBytes: 95e6 },
    thresholdsExceeded: { memory: false, cpu: true },
    ...over,
  };
}

function value(fams: MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const fam = fams.find((f) => f.name === name);
  return fam?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('buildSelfMetrics', () => {
  it('reports per-collector outcome, duration, series and drops; skipped collectors only as skipped', () => {
    const fams = buildSelfMetrics(input());
    expect(value(fams, 'slurm_exporter_collector_success', { collector: 'nodes' })).toBe(1);
    expect(value(fams, 'slurm_exporter_collector_success', { collector: 'jobs' })).toBe(0);
    expect(value(fams, 'slurm_exporter_collector_success', { collector: 'accounts' })).toBeUndefined();
    expect(value(fams, 'slurm_exporter_collector_skipped', { collector: 'accounts' })).toBe(1);
    expect(value(fams, 'slurm_exporter_collect_duration_seconds', { collector: 'nodes' })).toBe(0.25);
    expect(value(fams, 'slurm_exporter_collect_duration_seconds', { collector: 'jobs' })).toBe(1.5);
    expect(value(fams, 'slurm_exporter_series', { collector: 'nodes' })).toBe(40);
    expect(value(fams, 'slurm_exporter_series_dropped', { collector: 'nodes' })).toBe(3);
    expect(value(fams, 'slurm_exporter_series_dropped', { collector: 'jobs' })).toBe(0);
  });

  it('aggregates requests per endpoint/method/status: max duration and count', () => {
    const fams = buildSelfMetrics(input());
    const diag = { endpoint: 'diag', method: 'GET', status_code: '200' };
    expect(value(fams, 'slurm_exporter_api_request_duration_seconds', diag)).toBe(0.08);
    expect(value(fams, 'slurm_exporter_api_requests', diag)).toBe(2);
    expect(
      value(fams, 'slurm_exporter_api_request_duration_seconds', { endpoint: 'nodes', method: 'GET' }),
    ).toBe(0.12);
    expect(value(fams, 'slurm_exporter_api_requests', { endpoint: 'jobs', status_code: '0' })).toBe(1);
  });

  it('keeps last success and error totals across warm invocations of one container', () => {
    const state = new SelfMetricsState();
    const first = buildSelfMetrics(input({ state, nowSeconds: 1000 }));
    expect(value(first, 'slurm_exporter_last_success_timestamp_seconds', { collector: 'nodes' })).toBe(1000);
    expect(
      value(first, 'slurm_exporter_last_success_timestamp_seconds', { collector: 'jobs' }),
    ).toBeUndefined();
    expect(
      value(first, 'slurm_exporter_collect_errors_total', { collector: 'jobs', error_type: 'timeout' }),
    ).toBe(1);

    const second = buildSelfMetrics(
      input({
        state,
        nowSeconds: 1060,
        coldStart: false,
        statuses: [
          {
            name: 'nodes',
            ok: false,
            durationMs: 5,
            series: 0,
            error: { type: 'connection', message: 'refused' },
          },
          { name: 'jobs', ok: false, durationMs: 5, series: 0, error: { type: 'timeout', message: 't' } },
          { name: 'licenses', ok: false, durationMs: 5, series: 0, error: { type: 'weird', message: 'x' } },
        ],
      }),
    );
    // nodes failed now: its last success stays at the first invocation.
    expect(value(second, 'slurm_exporter_last_success_timestamp_seconds', { collector: 'nodes' })).toBe(1000);
    expect(
      value(second, 'slurm_exporter_collect_errors_total', { collector: 'jobs', error_type: 'timeout' }),
    ).toBe(2);
    expect(
      value(second, 'slurm_exporter_collect_errors_total', { collector: 'nodes', error_type: 'connection' }),
    ).toBe(1);
    // Unknown error types fold into `http` so the label stays a closed set.
    expect(
      value(second, 'slurm_exporter_collect_errors_total', { collector: 'licenses', error_type: 'http' }),
    ).toBe(1);
    expect(value(second, 'slurm_exporter_cold_start')).toBe(0);
  });

  it('with caller-kept lastSuccess, leaves the store alone and counts only this run unless totals are given', () => {
    const state = new SelfMetricsState();
    const fams = buildSelfMetrics(input({ state, lastSuccess: { nodes: 42, partitions: 41 } }));
    expect(state.lastSuccess.size).toBe(0);
    expect(value(fams, 'slurm_exporter_last_success_timestamp_seconds', { collector: 'partitions' })).toBe(
      41,
    );
    expect(
      value(fams, 'slurm_exporter_collect_errors_total', { collector: 'jobs', error_type: 'timeout' }),
    ).toBe(1);
    const withTotals = buildSelfMetrics(
      input({ lastSuccess: new Map([['nodes', 7]]), errorTotals: new Map([['jobs\u0000auth', 9]]) }),
    );
    expect(
      value(withTotals, 'slurm_exporter_collect_errors_total', { collector: 'jobs', error_type: 'auth' }),
    ).toBe(9);
    expect(value(withTotals, 'slurm_exporter_last_success_timestamp_seconds', { collector: 'nodes' })).toBe(
      7,
    );
  });

  it('reports the previous push of the container, absent on a cold start, without credentials in the target', () => {
    const state = new SelfMetricsState();
    const cold = buildSelfMetrics(input({ state }));
    expect(cold.some((f) => f.name === 'slurm_exporter_push_duration_seconds')).toBe(false);
    const target = `https://user:${TEST_PUSH_PASSWORD}@pgw.example:9091/metrics/job/slurm?token=abc`;
    state.recordPush({ durationMs: 350, ok: false, target, bytes: 2048 });
    const warm = buildSelfMetrics(input({ state, coldStart: false }));
    const t = { target: 'https://pgw.example:9091/metrics/job/slurm' };
    expect(value(warm, 'slurm_exporter_push_duration_seconds', t)).toBe(0.35);
    expect(value(warm, 'slurm_exporter_push_success', t)).toBe(0);
    expect(value(warm, 'slurm_exporter_push_size_bytes', t)).toBe(2048);
    assertNoSecrets(warm, undefined, 'self-metrics');
    // An explicit push wins over the store.
    const explicit = buildSelfMetrics(
      input({ state, push: { durationMs: 10, ok: true, target: 'pushgateway', bytes: 1 } }),
    );
    expect(value(explicit, 'slurm_exporter_push_success', { target: 'pushgateway' })).toBe(1);
  });

  it('reports breakers, cold start, build info, process numbers and thresholds', () => {
    const fams = buildSelfMetrics(input({ apiVersion: null }));
    expect(value(fams, 'slurm_exporter_circuit_breaker_state', { endpoint: 'jobs' })).toBe(1);
    expect(value(fams, 'slurm_exporter_circuit_breaker_state', { endpoint: 'nodes' })).toBe(0);
    expect(value(fams, 'slurm_exporter_cold_start')).toBe(1);
    const info = fams.find((f) => f.name === 'slurm_exporter_build_info');
    expect(info?.samples).toEqual([
      { labels: { version: '1.2.3', node_version: 'v20.0.0', api_version: '' }, value: 1 },
    ]);
    expect(value(fams, 'slurm_exporter_process_resident_memory_bytes')).toBe(90e6);
    expect(value(fams, 'slurm_exporter_process_peak_resident_memory_bytes')).toBe(95e6);
    expect(value(fams, 'slurm_exporter_process_heap_used_bytes')).toBe(30e6);
    expect(value(fams, 'slurm_exporter_invocation_cpu_seconds', { mode: 'user' })).toBe(0.4);
    expect(value(fams, 'slurm_exporter_invocation_cpu_seconds', { mode: 'system' })).toBe(0.05);
    expect(value(fams, 'slurm_exporter_performance_threshold_exceeded', { resource: 'cpu' })).toBe(1);
    expect(value(fams, 'slurm_exporter_performance_threshold_exceeded', { resource: 'memory' })).toBe(0);
    const without = buildSelfMetrics(input({ thresholdsExceeded: undefined }));
    expect(without.some((f) => f.name === 'slurm_exporter_performance_threshold_exceeded')).toBe(false);
  });

  it('emits only cataloged names with the cataloged type and label names, in a deterministic order', () => {
    const a = buildSelfMetrics(input());
    const b = buildSelfMetrics(
      input({ requests: [...requests].reverse(), statuses: [...statuses].reverse() }),
    );
    expect(b).toEqual(a);
    for (const fam of a) {
      const def = SELF_METRIC_DEFS.find((d) => d.name === fam.name);
      expect(def, fam.name).toBeDefined();
      expect(fam.type).toBe(def?.type);
      expect(fam.help).toBe(def?.help);
      for (const s of fam.samples)
        expect(Object.keys(s.labels).sort()).toEqual([...(def?.labels ?? [])].sort());
      expect(fam.samples.length).toBeGreaterThan(0);
    }
    const names = SELF_METRIC_DEFS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const d of SELF_METRIC_DEFS) {
      expect(d.name).toMatch(/^slurm_exporter_[a-z_]+$/);
      expect(d.type === 'counter').toBe(d.name.endsWith('_total'));
      expect(d.query?.length ?? 0).toBeGreaterThan(10);
      expect(d.source).toEqual([]);
    }
  });

  it('the seed and task names are all present in the catalog', () => {
    const names = new Set(SELF_METRIC_DEFS.map((d) => d.name));
    for (const n of [
      'slurm_exporter_collect_duration_seconds',
      'slurm_exporter_collect_errors_total',
      'slurm_exporter_api_request_duration_seconds',
      'slurm_exporter_collector_success',
      'slurm_exporter_last_success_timestamp_seconds',
      'slurm_exporter_push_duration_seconds',
      'slurm_exporter_series',
      'slurm_exporter_series_dropped',
      'slurm_exporter_circuit_breaker_state',
      'slurm_exporter_cold_start',
      'slurm_exporter_build_info',
      'slurm_exporter_process_resident_memory_bytes',
      'slurm_exporter_invocation_cpu_seconds',
      'slurm_exporter_performance_threshold_exceeded',
    ]) {
      expect(names.has(n), n).toBe(true);
    }
  });
});

describe('safeTarget', () => {
  it('drops userinfo, query and fragment from URLs and leaves names alone', () => {
    expect(safeTarget('http://u:p@h:9091/metrics/job/x?a=b#c')).toBe('http://h:9091/metrics/job/x');
    expect(safeTarget('https://aps-workspaces.eu-west-1.amazonaws.com/')).toBe(
      'https://aps-workspaces.eu-west-1.amazonaws.com',
    );
    expect(safeTarget('pushgateway')).toBe('pushgateway');
    expect(safeTarget('http://[bad')).toBe('invalid-url');
  });
});
