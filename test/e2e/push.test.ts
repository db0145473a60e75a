/**
 * Push targets against the real Pushgateway 1.5 and Prometheus 2.42 of the lab (scripts/lab/up.sh):
 * Pushgateway → scrape → query, remote write → query, exact round-trip of hostile label values, the
 * gateway's type-consistency 400 and DELETE. Names are unique per run (the lab is shared and keeps data).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { MetricFamily } from '../../lib/collectors/types.js';
import { PushError } from '../../lib/errors.js';
import { buildGrouping, createPushTarget } from '../../lib/push/index.js';
import { createPushgatewayTarget, type PushgatewayTarget } from '../../lib/push/pushgateway.js';
import { renderFamilies } from '../../lib/push/render.js';
import type { PushPayload } from '../../lib/push/types.js';
import { requireLab } from '../helpers/lab.js';
import { poll } from '../helpers/poll.js';

const lab = requireLab();

const RUN = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const JOB = `e2e_push_${RUN}`;
/** `/`, quotes, backslash, newline, unicode: must survive both paths exactly. */
const HOSTILE = 'part/a "quoted" back\\slash\nnew line ünïcødé 日本 🚀';

interface GatewayGroup {
  labels: Record<string, string>;
  last_push_successful: boolean;
  [metric: string]: unknown;
}
interface GatewayMetric {
  type: string;
  help: string;
  metrics: { labels: Record<string, string>; value: string }[];
}
interface QueryResult {
  metric: Record<string, string>;
  value: [number, string];
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  expect(res.status, `${url} → ${res.status}`).toBe(200);
  return (await res.json()) as T;
}

async function gatewayGroups(): Promise<GatewayGroup[]> {
  const body = await getJson<{ status: string; data: GatewayGroup[] }>(
    `${lab?.PUSHGATEWAY_URL}/api/v1/metrics`,
  );
  return body.data;
}

function findGroup(groups: GatewayGroup[], labels: Record<string, string>): GatewayGroup | undefined {
  return groups.find(
    (g) =>
      Object.keys(g.labels).filter((k) => k !== 'instance').length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => g.labels[k] === v),
  );
}

async function query(promql: string): Promise<QueryResult[]> {
  const body = await getJson<{ status: string; data: { result: QueryResult[] } }>(
    `${lab?.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(promql)}`,
  );
  return body.data.result;
}

function families(metric: string): MetricFamily[] {
  return [
    {
      name: metric,
      type: 'gauge',
      help: 'e2e gauge',
      samples: [
        { labels: { partition: 'debug', state: 'idle' }, value: 4 },
        { labels: { partition: HOSTILE, state: 'mixed' }, value: 2.5 },
      ],
    },
    {
      name: `${metric}_events_total`,
      type: 'counter',
      help: 'e2e counter',
      samples: [{ labels: { user: 'alice' }, value: 17 }],
    },
  ];
}

async function payload(fams: MetricFamily[], grouping: Record<string, string>): Promise<PushPayload> {
  const { registry, text } = await renderFamilies(fams);
  return { registry, text, timestampMs: Date.now(), grouping };
}

const cleanup: { target: PushgatewayTarget; grouping: Record<string, string> }[] = [];
afterAll(async () => {
  for (const c of cleanup) await c.target.deleteGroup(c.grouping).catch(() => undefined);
});

describe.runIf(lab)('push targets against the real Pushgateway and Prometheus', () => {
  it('pushes to the Pushgateway: readable via /api/v1/metrics, scraped and queryable with exact values', async () => {
    const metric = `e2e_pg_gauge_${RUN}`;
    const grouping = buildGrouping('lab/cluster 1', { site: 'e2e' });
    const target = createPushgatewayTarget({ url: lab?.PUSHGATEWAY_URL as string, job: JOB });
    cleanup.push({ target, grouping });

    const result = await target.push(await payload(families(metric), grouping));
    expect(result).toMatchObject({ status: 200, series: 3, requests: 1 });

    const group = findGroup(await gatewayGroups(), { job: JOB, ...grouping });
    expect(group, 'group visible in /api/v1/metrics').toBeDefined();
    expect(group?.last_push_successful).toBe(true);
    const gauge = group?.[metric] as GatewayMetric;
    expect(gauge.type).toBe('GAUGE');
    const hostile = gauge.metrics.find((m) => m.labels.state === 'mixed');
    expect(hostile?.labels.partition).toBe(HOSTILE);
    expect(Number(hostile?.value)).toBe(2.5);
    expect((group?.[`${metric}_events_total`] as GatewayMetric | undefined)?.type).toBe('COUNTER');

    // Prometheus scrapes the gateway (honor_labels) every 2 s.
    const series = await poll(async () => {
      const r = await query(`${metric}{job="${JOB}"}`);
      return r.length === 2 ? r : undefined;
    }, `${metric} in Prometheus`);
    const byState = Object.fromEntries(series.map((s) => [s.metric.state, s]));
    expect(byState.idle?.metric).toMatchObject({
      partition: 'debug',
      cluster: 'lab/cluster 1',
      site: 'e2e',
      job: JOB,
    });
    expect(byState.idle?.value[1]).toBe('4');
    expect(byState.mixed?.metric.partition).toBe(HOSTILE);
    expect(byState.mixed?.value[1]).toBe('2.5');
    const counter = await poll(async () => {
      const r = await query(`${metric}_events_total{job="${JOB}"}`);
      return r.length === 1 ? r : undefined;
    }, 'counter in Prometheus');
    expect(counter[0]?.value[1]).toBe('17');
    expect(counter[0]?.metric.user).toBe('alice');
  });

  it('remote-writes the same families to Prometheus: queryable with the right values and labels', async () => {
    const metric = `e2e_rw_gauge_${RUN}`;
    const target = await createPushTarget({ type: 'remote_write', url: lab?.REMOTE_WRITE_URL, job: JOB });
    const result = await target.push(await payload(families(metric), { cluster: 'lab/rw' }));
    expect(result).toMatchObject({
      target: 'remote_write',
      status: 204,
      series: 3,
      accepted: 3,
      rejected: 0,
    });

    const series = await poll(
      async () => {
        const r = await query(`${metric}{job="${JOB}"}`);
        return r.length === 2 ? r : undefined;
      },
      `${metric} in Prometheus`,
      10,
    );
    const byState = Object.fromEntries(series.map((s) => [s.metric.state, s]));
    expect(byState.idle?.metric).toEqual({
      __name__: metric,
      cluster: 'lab/rw',
      job: JOB,
      partition: 'debug',
      state: 'idle',
    });
    expect(byState.idle?.value[1]).toBe('4');
    expect(byState.mixed?.metric.partition).toBe(HOSTILE);
    expect(byState.mixed?.value[1]).toBe('2.5');
    const counter = await query(`${metric}_events_total{job="${JOB}"}`);
    expect(counter.map((c) => c.value[1])).toEqual(['17']);

    // The request carried metadata (field 3) and was still accepted (204 above); Prometheus 2.42's receiver
    // does not store remote-write metadata, so /api/v1/metadata cannot confirm it.
  });

  it('a type conflict with another group fails with the gateway message and leaves the first group intact', async () => {
    const metric = `e2e_conflict_${RUN}`;
    const target = createPushgatewayTarget({ url: lab?.PUSHGATEWAY_URL as string, job: JOB, retries: 2 });
    const groupA = buildGrouping('conflict-a');
    const groupB = buildGrouping('conflict-b');
    cleanup.push({ target, grouping: groupA }, { target, grouping: groupB });

    await target.push(
      await payload(
        [{ name: metric, type: 'gauge', help: 'g', samples: [{ labels: {}, value: 5 }] }],
        groupA,
      ),
    );
    const err = (await target
      .push(
        await payload(
          [{ name: metric, type: 'counter', help: 'c', samples: [{ labels: {}, value: 1 }] }],
          groupB,
        ),
      )
      .catch((e: unknown) => e)) as PushError;

    expect(err).toBeInstanceOf(PushError);
    expect(err.status).toBe(400);
    expect(err.requests).toBe(1);
    expect(err.message).toContain('pushed metrics are invalid or inconsistent with existing metrics');
    // Which side is reported depends on the gateway's map order: "<gauge sample> is not a COUNTER" or the reverse.
    expect(err.message).toMatch(new RegExp(`collected metric "${metric}" .* is not a (GAUGE|COUNTER)`));
    expect(err.message).toContain(`${lab?.PUSHGATEWAY_URL}/metrics/job/${JOB}/cluster/conflict-b`);

    const groups = await gatewayGroups();
    const a = findGroup(groups, { job: JOB, ...groupA });
    expect((a?.[metric] as GatewayMetric | undefined)?.metrics[0]?.value).toBe('5');
    expect(a?.last_push_successful).toBe(true);
    expect(findGroup(groups, { job: JOB, ...groupB })?.last_push_successful).toBe(false);
  });

  it('accepts a gzip-compressed POST (merge by metric name) through the factory', async () => {
    const metric = `e2e_gzip_${RUN}`;
    const grouping = buildGrouping('gzip');
    const target = await createPushTarget({
      type: 'pushgateway',
      url: lab?.PUSHGATEWAY_URL,
      job: JOB,
      method: 'POST',
      compression: 'gzip',
    });
    cleanup.push({ target: target as PushgatewayTarget, grouping });
    const gauge = (name: string, value: number): MetricFamily => ({
      name,
      type: 'gauge',
      help: 'g',
      samples: [{ labels: { k: 'v' }, value }],
    });
    await target.push(await payload([gauge(`${metric}_a`, 1)], grouping));
    const result = await target.push(await payload([gauge(`${metric}_b`, 2)], grouping));
    expect(result.status).toBe(200);
    const group = findGroup(await gatewayGroups(), { job: JOB, ...grouping });
    // POST replaced only `_b`'s name: `_a` from the first push is still there.
    expect((group?.[`${metric}_a`] as GatewayMetric | undefined)?.metrics[0]?.value).toBe('1');
    expect((group?.[`${metric}_b`] as GatewayMetric | undefined)?.metrics[0]?.value).toBe('2');
  });

  it('DELETE removes the group', async () => {
    const metric = `e2e_delete_${RUN}`;
    const target = createPushgatewayTarget({ url: lab?.PUSHGATEWAY_URL as string, job: JOB });
    const grouping = buildGrouping('to-delete', { path: '/var/tmp' });
    cleanup.push({ target, grouping });
    await target.push(
      await payload(
        [{ name: metric, type: 'gauge', help: 'g', samples: [{ labels: {}, value: 1 }] }],
        grouping,
      ),
    );
    expect(findGroup(await gatewayGroups(), { job: JOB, ...grouping })).toBeDefined();

    const result = await target.deleteGroup(grouping);
    expect(result.status).toBe(202);
    // Deletion is queued by the gateway; wait (bounded) until it is applied.
    await poll(
      async () =>
        findGroup(await gatewayGroups(), { job: JOB, ...grouping }) === undefined ? true : undefined,
      'group deletion',
      10,
      300,
    );
  });
});
