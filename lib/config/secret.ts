/**
 * Reads the AWS Secrets Manager secret named by `secret_id`, cached across warm invocations.
 * Caching uses Powertools' SecretsProvider (maxAge / forceFetch) rather than a home-made cache; the SDK
 * client is ours so region, endpoint and credentials come from the `env` the entry point passed in (tests
 * pass plain objects; Lambda passes process.env, which carries the role's credentials).
 */

import { GetParameterError } from '@aws-lambda-powertools/parameters/errors';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient, type SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import { SecretError } from '../errors.js';

export type EnvLike = Record<string, string | undefined>;

export interface SecretReader {
  /** The secret's text. `maxAgeMs` is rounded down to whole seconds (Powertools' unit); 0 disables caching. */
  read(secretId: string, opts: { maxAgeMs: number; force: boolean }): Promise<string>;
}

export interface SecretReaderOptions {
  env: EnvLike;
  /** A ready client (e.g. with custom middleware); by default one is built from `env`. */
  client?: SecretsManagerClient;
}

/** Client settings from env: AWS_REGION (default us-east-1 so local runs work), endpoint, static credentials. */
export function secretsClientConfig(env: EnvLike): SecretsManagerClientConfig {
  const config: SecretsManagerClientConfig = {
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
  };
  // The SDK reads this from process.env by itself; passing it keeps an explicit `env` object authoritative.
  const endpoint = env.AWS_ENDPOINT_URL_SECRETS_MANAGER || env.AWS_ENDPOINT_URL;
  if (endpoint) config.endpoint = endpoint;
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    config.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return config;
}

/** What to tell the operator for the usual AWS error names. */
const HINTS: Record<string, string> = {
  AccessDeniedException:
    'the role needs secretsmanager:GetSecretValue on it, and kms:Decrypt for a customer-managed key',
  ResourceNotFoundException: 'no secret with this name or ARN exists in the region',
  ThrottlingException: 'still throttled after the SDK retries',
  DecryptionFailure: 'KMS could not decrypt it: check kms:Decrypt on the key',
  InvalidRequestException: 'the secret is scheduled for deletion or not usable',
  InvalidParameterException: 'the secret id is not valid',
  InternalServiceError: 'Secrets Manager failed even after the SDK retries',
};

function toSecretError(secretId: string, err: unknown): SecretError {
  const cause = err instanceof GetParameterError && err.cause !== undefined ? err.cause : err;
  const e = cause as { name?: string; code?: string; message?: string };
  const name =
    e.code !== undefined && (e.name === undefined || e.name === 'Error') ? e.code : (e.name ?? 'Error');
  const hint = HINTS[name] ?? (e.message ?? '').slice(0, 200);
  return new SecretError(
    `cannot read secret "${secretId}" from AWS Secrets Manager: ${name}${hint ? ` (${hint})` : ''}`,
    {
      secretId,
      code: 'SECRET_UNAVAILABLE',
      cause,
    },
  );
}

export function createSecretReader(opts: SecretReaderOptions): SecretReader {
  let provider: SecretsProvider | undefined;
  const getProvider = (): SecretsProvider => {
    provider ??= new SecretsProvider({
      awsSdkV3Client: opts.client ?? new SecretsManagerClient(secretsClientConfig(opts.env)),
    });
    return provider;
  };
  return {
    async read(secretId, { maxAgeMs, force }) {
      let value: string | Uint8Array | undefined;
      try {
        value = await getProvider().get(secretId, {
          maxAge: Math.max(0, Math.floor(maxAgeMs / 1000)),
          forceFetch: force,
        });
      } catch (err) {
        throw toSecretError(secretId, err);
      }
      if (value === undefined) {
        throw new SecretError(`secret "${secretId}" has no value (empty SecretString and no SecretBinary)`, {
          secretId,
          code: 'SECRET_INVALID',
        });
      }
      return typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
    },
  };
}
