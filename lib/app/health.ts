/**
 * The health function: `server.health_path` answers liveness + config validity (fast, no network);
 * `server.ready_path` also checks slurmrestd, the push target and the freshness of the last push.
 * Answers never carry config values, hostnames, secrets or stack traces: only check names, states and short
 * fixed-vocabulary details.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/index.js';
import { ConfigError, classifyError } from '../errors.js';
import { httpRequest, readText } from '../http-client.js';
import type { Logger } from '../observability/logger.js';
import { createLogger } from '../observability/logger.js';
import { authHeader } from '../push/headers.js';
import { getConfigLoader, loggerFor, pushOptionsFor, slurmClientFor } from './wiring.js';

type Env = Record<string, string | undefined>;
export type CheckStatus = 'ok' | 'degraded' | 'fail';
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  duration_ms: number;
}
export interface HealthBody {
  status: CheckStatus;
  checks: Check[];
}
export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}
/** The parts of an API Gateway HTTP API (payload v2) / Function URL event we use. */
export interface HttpEventLike {
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  requestContext?: { http?: { method?: string; path?: string } };
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function respond(statusCode: number, body: unknown): HttpResponse {
  return { statusCode, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

/** Worst status wins. */
function overall(checks: Check[]): CheckStatus {
  if (checks.some((c) => c.status === 'fail')) return 'fail';
  if (checks.some((c) => c.status === 'degraded')) return 'degraded';
  return 'ok';
}

async function timed(
  name: string,
  fn: () => Promise<{ status: CheckStatus; detail: string }>,
): Promise<Check> {
  const t0 = performance.now();
  try {
    const r = await fn();
    return { name, ...r, duration_ms: Math.round(performance.now() - t0) };
  } catch (err) {
    // Only the error class, never its message: messages may name hosts or URLs.
    return {
      name,
      status: 'fail',
      detail: `error: ${classifyError(err)}`,
      duration_ms: Math.round(performance.now() - t0),
    };
  }
}

/** Config problems as env variable names only (no values). */
function configDetail(err: ConfigError): string {
  return `invalid configuration: ${err.issues.map((i) => i.env).join(', ')}`;
}

function tokenMatches(expected: string, got: string | undefined): boolean {
  if (got === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(got);
  return a.length === b.length && timingSafeEqual(a, b);
}

function header(event: HttpEventLike, name: string): string | undefined {
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === name) return v;
  return undefined;
}

async function checkSlurm(config: Config, logger: Logger): Promise<{ check: Check; cluster: string | null }> {
  let cluster: string | null = null;
  const check = await timed('slurmrestd', async () => {
    const client = slurmClientFor(config, {
      logger,
      deadline: Date.now() + Math.min(config.slurm.timeout, 8_000),
      refresh: async () => config,
    });
    const t0 = performance.now();
    const { data, meta } = await client.fetch('ping');
    cluster = config.cluster_name || meta.cluster;
    const up = (data ?? []).filter((c) => c.responding).length;
    const latency = Math.round(performance.now() - t0);
    if (up === 0) return { status: 'fail', detail: `no controller responding (api ${meta.apiVersion})` };
    return { status: 'ok', detail: `${up} controller(s) responding, api ${meta.apiVersion}, ${latency} ms` };
  });
  return { check, cluster };
}

async function httpGet(
  url: URL,
  config: Config,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { ...config.push.headers };
  // Same credentials as the push itself (basic/bearer; SigV4 signs per request and is not needed for a GET).
  const auth = authHeader(pushOptionsFor(config).auth);
  if (auth) headers.authorization = auth;
  const res = await httpRequest(url, { method: 'GET', headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await readText(res.body, 2_000_000) };
}

/** Pushgateway `/-/ready`, or any HTTP answer from a remote-write endpoint (it only takes POSTs). */
async function checkPushTarget(config: Config): Promise<Check> {
  return timed('push_target', async () => {
    if (config.push.type === 'stdout') return { status: 'ok', detail: 'stdout target (nothing to reach)' };
    const base = new URL(config.push.url);
    if (config.push.type === 'pushgateway') {
      const ready = new URL(`${base.pathname.replace(/\/$/, '')}/-/ready`, base);
      const r = await httpGet(ready, config, 5_000);
      return r.status === 200
        ? { status: 'ok', detail: 'pushgateway ready' }
        : { status: 'fail', detail: `pushgateway answered HTTP ${r.status}` };
    }
    const r = await httpGet(base, config, 5_000);
    return r.status >= 500
      ? { status: 'fail', detail: `remote-write endpoint answered HTTP ${r.status}` }
      : { status: 'ok', detail: `remote-write endpoint reachable (HTTP ${r.status} to GET)` };
  });
}

interface GatewayGroup {
  labels?: Record<string, string>;
  push_time_seconds?: { metrics?: { value?: string }[] };
}

/** Age of the last successful push: the gateway's own push_time_seconds, or a PromQL query for remote write. */
async function checkFreshness(config: Config, cluster: string | null): Promise<Check> {
  return timed('freshness', async () => {
    const maxAgeS = config.health.max_staleness / 1000;
    let pushedAt: number | null = null;
    if (config.push.type === 'pushgateway') {
      const base = new URL(config.push.url);
      const r = await httpGet(
        new URL(`${base.pathname.replace(/\/$/, '')}/api/v1/metrics`, base),
        config,
        5_000,
      );
      if (r.status !== 200)
        return { status: 'fail', detail: `pushgateway metrics API answered HTTP ${r.status}` };
      const groups = (JSON.parse(r.body) as { data?: GatewayGroup[] }).data ?? [];
      const mine = groups.filter(
        (g) => g.labels?.job === config.push.job && (cluster === null || g.labels?.cluster === cluster),
      );
      const times = mine
        .map((g) => Number(g.push_time_seconds?.metrics?.[0]?.value ?? 0))
        .filter((t) => t > 0);
      pushedAt = times.length > 0 ? Math.max(...times) : null;
    } else if (config.health.query_url) {
      const q = new URL(`${config.health.query_url.replace(/\/$/, '')}/api/v1/query`);
      const sel = cluster ? `{cluster=${JSON.stringify(cluster)}}` : '';
      q.searchParams.set('query', `max(timestamp(slurm_exporter_build_info${sel}))`);
      const r = await httpGet(q, config, 5_000);
      if (r.status !== 200) return { status: 'fail', detail: `query endpoint answered HTTP ${r.status}` };
      const v = (JSON.parse(r.body) as { data?: { result?: { value?: [number, string] }[] } }).data
        ?.result?.[0]?.value;
      pushedAt = v ? Number(v[1]) : null;
    } else {
      return { status: 'ok', detail: 'not checked (set health.query_url for remote write)' };
    }
    if (pushedAt === null) return { status: 'degraded', detail: 'no push recorded yet' };
    const age = Math.max(0, Date.now() / 1000 - pushedAt);
    return age > maxAgeS
      ? { status: 'fail', detail: `last push ${Math.round(age)} s ago (max ${maxAgeS} s)` }
      : { status: 'ok', detail: `last push ${Math.round(age)} s ago` };
  });
}

export async function handleHealth(event: HttpEventLike, env: Env): Promise<HttpResponse> {
  const method = (event.requestContext?.http?.method ?? 'GET').toUpperCase();
  const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
  const t0 = performance.now();
  let config: Config | undefined;
  let configCheck: Check;
  try {
    config = (await getConfigLoader(env).load()).config;
    configCheck = {
      name: 'config',
      status: 'ok',
      detail: 'valid',
      duration_ms: Math.round(performance.now() - t0),
    };
  } catch (err) {
    const detail =
      err instanceof ConfigError ? configDetail(err) : `configuration unavailable: ${classifyError(err)}`;
    configCheck = { name: 'config', status: 'fail', detail, duration_ms: Math.round(performance.now() - t0) };
  }
  const healthPath = config?.server.health_path ?? '/health';
  const readyPath = config?.server.ready_path ?? '/ready';
  if (path !== healthPath && path !== readyPath) return respond(404, { status: 'fail', error: 'not found' });
  if (method !== 'GET' && method !== 'HEAD') {
    return {
      ...respond(405, { status: 'fail', error: 'method not allowed' }),
      headers: { ...JSON_HEADERS, allow: 'GET, HEAD' },
    };
  }
  if (config?.health.token && !tokenMatches(config.health.token, header(event, 'x-health-token'))) {
    return respond(401, { status: 'fail', error: 'missing or wrong X-Health-Token' });
  }
  const logger = config
    ? loggerFor(config, { function: 'health' })
    : createLogger({ fields: { function: 'health' } });
  const checks: Check[] = [configCheck];
  if (path === readyPath && config) {
    if (!config.slurm.base_url) {
      checks.push({
        name: 'slurmrestd',
        status: 'fail',
        detail: 'SLURM_EXPORTER_SLURM_BASE_URL is not set',
        duration_ms: 0,
      });
      checks.push(await checkPushTarget(config));
    } else {
      const [{ check, cluster }, target] = await Promise.all([
        checkSlurm(config, logger),
        checkPushTarget(config),
      ]);
      checks.push(check, target);
      if (config.push.type !== 'stdout') checks.push(await checkFreshness(config, cluster));
    }
  }
  const status = overall(checks);
  if (status !== 'ok') logger.warn('health check not ok', { path, status, checks });
  return respond(status === 'fail' ? 503 : 200, { status, checks } satisfies HealthBody);
}
