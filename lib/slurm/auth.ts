/**
 * slurmrestd authentication headers. Credentials come from a callback so the app can re-read its secret when
 * slurmrestd rejects a token (rotation); the client forces one refresh per rejected request.
 */
import { DB_CONNECTION_ERROR, isAuthFailureText, type SlurmErrorEntry } from './errors-body.js';

export const AUTH_TYPES = ['jwt', 'bearer', 'basic', 'none'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

export interface Credentials {
  token?: string;
  username?: string;
  password?: string;
}

/** Returns current credentials; `force` asks to bypass any cache (the last ones were rejected). */
export type CredentialsProvider = (opts: { force: boolean }) => Promise<Credentials>;

export interface AuthOptions {
  type: AuthType;
  credentials?: CredentialsProvider;
}

/** Thrown when the credentials needed by the auth type are missing (a configuration problem). */
export class MissingCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingCredentialsError';
  }
}

/**
 * Headers for one request.
 * - jwt: `X-SLURM-USER-TOKEN` (+ `X-SLURM-USER-NAME` when a user name is given; needed when a SlurmUser token
 *   acts for a user).
 * - bearer: `Authorization: Bearer` (Slurm 23.11+; must not be combined with X-SLURM-USER-TOKEN).
 * - basic: `Authorization: Basic` for a reverse proxy in front of slurmrestd.
 */
export function authHeaders(type: AuthType, creds: Credentials): Record<string, string> {
  switch (type) {
    case 'none':
      return {};
    case 'jwt': {
      if (!creds.token) throw new MissingCredentialsError('auth type jwt needs a token');
      const h: Record<string, string> = { 'x-slurm-user-token': creds.token };
      if (creds.username) h['x-slurm-user-name'] = creds.username;
      return h;
    }
    case 'bearer':
      if (!creds.token) throw new MissingCredentialsError('auth type bearer needs a token');
      return { authorization: `Bearer ${creds.token}` };
    case 'basic':
      if (!creds.username || creds.password === undefined) {
        throw new MissingCredentialsError('auth type basic needs a username and a password');
      }
      return {
        authorization: `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`,
      };
  }
}

/** Slurm 24.11+: a bad or expired token gives 511 (500 on 23.11/24.05) with error 1007. */
const PROTOCOL_AUTH_ERROR = 1007;

/**
 * Whether a response may mean "credentials rejected" (the client then refreshes credentials once and retries):
 * - HTTP 401, and 511 (SLURM_PROTOCOL_AUTHENTICATION_ERROR);
 * - 500 with error 1007 "Protocol authentication error" (23.11, 24.05);
 * - 500 with 7000 "Unable to connect to database" (23.11 answers a bad token this way, observed by Slurm-web);
 * - 500 text/plain "Authentication failure" / "Authentication does not apply to request" (25.11);
 * - Slurm 22.05 and 24.05: 500 with error -1 "Unspecified error" for a malformed, wrongly signed or expired
 *   token. 22.05 also answers `?update_time` "no change" this way; the client never sends update_time, so on
 *   a normal request this shape is treated as an auth rejection.
 */
export function isAuthRejection(status: number, errors: readonly SlurmErrorEntry[], text = ''): boolean {
  if (status === 401 || status === 511) return true;
  if (status !== 500) return false;
  if (isAuthFailureText(text)) return true;
  return errors.some(
    (e) =>
      e.errorNumber === PROTOCOL_AUTH_ERROR ||
      e.errorNumber === DB_CONNECTION_ERROR ||
      /protocol authentication error/i.test(e.error ?? '') ||
      (e.errorNumber === -1 && /unspecified error/i.test(e.error ?? '')),
  );
}
