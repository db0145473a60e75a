import { createHash, createHmac } from 'node:crypto';
import type { Recorded } from './local-server.js';

/** Independent AWS SigV4 check (canonical request → string to sign → signing key), node:crypto only. */
export function verifySigV4(
  req: Recorded,
  secret: string,
): { ok: boolean; credential: string; signedHeaders: string[] } {
  const auth = req.headers.authorization as string;
  const m = /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
    auth,
  );
  if (!m) throw new Error(`unexpected Authorization: ${auth}`);
  const [, credential, signedHeaderList, signature] = m as unknown as [string, string, string, string];
  const [, date, region, service, term] = credential.split('/') as [string, string, string, string, string];
  const signedHeaders = signedHeaderList.split(';');
  const url = new URL(req.url, 'http://x');
  const canonicalHeaders = signedHeaders
    .map((h) => `${h}:${String(req.headers[h]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = createHash('sha256').update(req.body).digest('hex');
  const canonicalRequest = [
    req.method,
    url.pathname,
    '',
    canonicalHeaders,
    signedHeaderList,
    payloadHash,
  ].join('\n');
  const amzDate = req.headers['x-amz-date'] as string;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    amzDate,
    `${date}/${region}/${service}/${term}`,
    createHash('sha256').update(canonicalRequest).digest('hex'),
  ].join('\n');
  const hmac = (key: Buffer | string, data: string) =>
    createHmac('sha256', key).update(data, 'utf8').digest();
  const kSigning = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = createHmac('sha256', kSigning).update(stringToSign, 'utf8').digest('hex');
  return { ok: expected === signature && amzDate.startsWith(date), credential, signedHeaders };
}
