/**
 * AWS SigV4 for remote write to Amazon Managed Service for Prometheus. Its own lazily loaded bundle
 * (lib/lazy.ts): the AWS signing and credential code is ~400 KB, and a remote-write push without SigV4 would
 * otherwise parse it on every cold start (~13 ms on the critical path of the first invocation).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  service: string;
  region: string;
  credentials: () => Promise<AwsCredentials>;
  url: URL;
  /** The final headers (custom ones included): SigV4 signs last, as prometheus/sigv4 does. */
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Signs a POST to `url`; returns the headers to send, lower-cased, without `host` (the client sets it). */
export async function signPost(input: SignInput): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service: input.service,
    region: input.region,
    credentials: input.credentials,
    sha256: Sha256,
  });
  const url = input.url;
  const request = new HttpRequest({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { ...input.headers, host: url.host },
    body: input.body,
  });
  const signed = await signer.sign(request);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers))
    if (k.toLowerCase() !== 'host') out[k.toLowerCase()] = v;
  return out;
}

/**
 * The default credential chain (the Lambda role's credentials). The provider memoizes and refreshes near
 * expiry, so the caller keeps it and asks it on every signature.
 */
export async function defaultCredentials(): Promise<() => Promise<AwsCredentials>> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider();
}
