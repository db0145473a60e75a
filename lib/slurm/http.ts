/**
 * Transport to slurmrestd: one keep-alive node:http(s) Agent per base URL and TLS setting, kept in the warm
 * Lambda container so connections survive between invocations.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { type Logger, silentLogger } from '../observability/logger.js';

export interface TlsOptions {
  /** Accept any server certificate (self-signed lab clusters). Logs a warning once per base URL. */
  insecureSkipVerify?: boolean;
  /** Extra CA certificate(s), PEM text (the content of `ca_cert` or of `ca_cert_file`). */
  ca?: string;
}

export interface AgentOptions {
  tls?: TlsOptions;
  /** Keep-alive idle timeout, ms. */
  keepAliveTimeoutMs?: number;
}

const agents = new Map<string, http.Agent>();
const warned = new Set<string>();

/** The base URL without credentials, query or trailing slash: safe for logs, metric labels and cache keys. */
export function displayBaseUrl(baseUrl: string): string {
  const u = new URL(baseUrl);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}`;
}

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/** True for `localhost`, 127.0.0.0/8 and ::1: plain http there does not expose a token on the network. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Returns the cached Agent for this base URL and TLS/keep-alive setting, creating it on first use. */
export function getAgent(
  baseUrl: string,
  opts: AgentOptions = {},
  logger: Logger = silentLogger,
): http.Agent {
  const { origin, protocol } = new URL(baseUrl);
  const caHash = opts.tls?.ca ? createHash('sha256').update(opts.tls.ca).digest('hex').slice(0, 16) : '';
  const key = `${origin}|${opts.tls?.insecureSkipVerify === true}|${caHash}|${opts.keepAliveTimeoutMs ?? ''}`;
  let agent = agents.get(key);
  if (agent) return agent;
  if (opts.tls?.insecureSkipVerify === true && protocol === 'https:' && !warned.has(origin)) {
    warned.add(origin);
    logger.warn('TLS certificate verification is disabled for slurmrestd (insecure_skip_verify)', {
      endpoint: origin,
    });
  }
  // `timeout` is the idle time after which a free (kept-alive) socket is closed; request budgets are enforced
  // per request (they depend on the remaining Lambda time).
  const common = { keepAlive: true, timeout: opts.keepAliveTimeoutMs ?? 30_000 };
  agent =
    protocol === 'https:'
      ? new https.Agent({
          ...common,
          ...(opts.tls?.ca ? { ca: opts.tls.ca } : {}),
          ...(opts.tls?.insecureSkipVerify === true ? { rejectUnauthorized: false } : {}),
        })
      : new http.Agent(common);
  agents.set(key, agent);
  return agent;
}

/** Closes and forgets every cached Agent (tests). */
export async function resetAgents(): Promise<void> {
  const all = [...agents.values()];
  agents.clear();
  warned.clear();
  for (const a of all) a.destroy();
}
