/** Header assembly shared by the HTTP push targets: custom headers first, then auth, then protocol headers. */
import { ExporterError } from '../errors.js';

/** Push authentication, as configured (`push.auth`). `sigv4` is remote write only. */
export interface PushAuth {
  type: 'none' | 'basic' | 'bearer' | 'sigv4';
  username?: string;
  password?: string;
  token?: string;
  /** sigv4: AWS region (default: the Lambda's AWS_REGION, passed in by the factory). */
  region?: string;
  /** sigv4: service name, default `aps` (Amazon Managed Service for Prometheus). */
  service?: string;
  /** sigv4: explicit credentials (tests); otherwise the default provider chain (Lambda role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

/** Headers a user may never set: transport-managed ones. */
const TRANSPORT = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/**
 * Lower-cased header map: `custom` (minus transport headers and `protected`), then the auth header, then
 * `fixed` — so custom headers can never override the protocol headers.
 */
export function buildHeaders(
  custom: Record<string, string> | undefined,
  auth: PushAuth | undefined,
  fixed: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  const fixedNames = new Set(Object.keys(fixed).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(custom ?? {})) {
    const name = k.toLowerCase();
    if (TRANSPORT.has(name) || fixedNames.has(name)) continue;
    out[name] = v;
  }
  const authorization = authHeader(auth);
  if (authorization !== undefined) out.authorization = authorization;
  for (const [k, v] of Object.entries(fixed)) out[k.toLowerCase()] = v;
  return out;
}

/** `Authorization` value for basic/bearer; undefined for none/sigv4 (SigV4 signs per request). */
export function authHeader(auth: PushAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.type === 'basic') {
    if (auth.username === undefined || auth.password === undefined) {
      throw invalid('push.auth: basic auth needs username and password');
    }
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  }
  if (auth.type === 'bearer') {
    if (!auth.token) throw invalid('push.auth: bearer auth needs a token');
    return `Bearer ${auth.token}`;
  }
  return undefined;
}

function invalid(message: string): ExporterError {
  return new ExporterError(message, { code: 'PUSH_CONFIG_INVALID', type: 'validation' });
}
