/**
 * A local AWS Secrets Manager stand-in for tests: a node:http server on 127.0.0.1 that speaks the JSON 1.1
 * protocol of `secretsmanager.GetSecretValue` well enough for the real SDK client (no emulator exists on npm;
 * see /work/shared/notes/ecosystem.md §5). Errors are programmable per call, so tests can exercise
 * AccessDenied, ResourceNotFound, throttling that the SDK retries through, and so on.
 *
 * @example
 * const sm = await startSecretsManager({ secrets: { 'slurm/token': { token: 'abc' } } });
 * vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', sm.endpoint); // or pass awsTestEnv(sm.endpoint) as env
 * await sm.close();
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type SecretValue = string | Record<string, unknown> | { binary: Uint8Array };

export interface ProgrammedError {
  /** AWS error name, e.g. `AccessDeniedException`, `ThrottlingException`, `DecryptionFailure`. */
  type: string;
  /** How many of the next matching calls fail (default: all of them). */
  times?: number;
  /** Only calls for this secret id fail (default: any). */
  secretId?: string;
  /** HTTP status (default 400; use 500 for `InternalServiceError`). */
  status?: number;
  message?: string;
}

export interface RecordedRequest {
  target: string | undefined;
  secretId: string | undefined;
  headers: IncomingHttpHeaders;
}

export interface SecretsManagerStandIn {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** Every GetSecretValue call, in order (including failed ones). */
  requests: RecordedRequest[];
  /** Number of GetSecretValue calls, optionally for one secret id. */
  count(secretId?: string): number;
  setSecret(secretId: string, value: SecretValue): void;
  deleteSecret(secretId: string): void;
  /** Makes upcoming calls fail; several programmed errors are consumed in order. */
  failWith(error: ProgrammedError): void;
  clearErrors(): void;
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const arnFor = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;

/** Env for the real SDK against the stand-in, with dummy credentials and no shared AWS config files. */
export function awsTestEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret-access-key',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export async function startSecretsManager(
  opts: { secrets?: Record<string, SecretValue> } = {},
): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, SecretValue>(Object.entries(opts.secrets ?? {}));
  const errors: {
    type: string;
    status: number;
    message: string;
    remaining: number;
    secretId: string | undefined;
  }[] = [];
  const requests: RecordedRequest[] = [];
  let versions = 0;

  const lookup = (id: string): [string, SecretValue] | undefined => {
    for (const [name, value] of secrets) if (id === name || id === arnFor(name)) return [name, value];
    return undefined;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'] as string | undefined;
      let body: { SecretId?: string } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        body = {};
      }
      const reply = (status: number, payload: unknown, errorType?: string) => {
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': `req-${requests.length}`,
          ...(errorType === undefined ? {} : { 'x-amzn-errortype': errorType }),
        });
        res.end(JSON.stringify(payload));
      };
      const fail = (status: number, type: string, message: string) =>
        reply(status, { __type: type, message, Message: message }, type);

      if (target !== 'secretsmanager.GetSecretValue') {
        fail(
          400,
          'UnknownOperationException',
          `operation ${target ?? '(none)'} is not supported by the stand-in`,
        );
        return;
      }
      const secretId = body.SecretId;
      requests.push({ target, secretId, headers: req.headers });

      const programmed = errors.find(
        (e) => e.remaining > 0 && (e.secretId === undefined || e.secretId === secretId),
      );
      if (programmed !== undefined) {
        programmed.remaining -= 1;
        fail(programmed.status, programmed.type, programmed.message);
        return;
      }
      const found = secretId === undefined ? undefined : lookup(secretId);
      if (found === undefined) {
        fail(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
        return;
      }
      const [name, value] = found;
      versions += 1;
      const isBinary =
        typeof value === 'object' &&
        value !== null &&
        'binary' in value &&
        value.binary instanceof Uint8Array;
      reply(200, {
        ARN: arnFor(name),
        Name: name,
        VersionId: `00000000-0000-0000-0000-${String(versions).padStart(12, '0')}`,
        ...(isBinary
          ? { SecretBinary: Buffer.from((value as { binary: Uint8Array }).binary).toString('base64') }
          : { SecretString: typeof value === 'string' ? value : JSON.stringify(value) }),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1767225600.0,
      });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    count: (secretId) =>
      secretId === undefined ? requests.length : requests.filter((r) => r.secretId === secretId).length,
    setSecret: (id, value) => {
      secrets.set(id, value);
    },
    deleteSecret: (id) => {
      secrets.delete(id);
    },
    failWith: (e) => {
      errors.push({
        type: e.type,
        status: e.status ?? 400,
        message: e.message ?? `${e.type} (programmed by the test)`,
        remaining: e.times ?? Number.POSITIVE_INFINITY,
        secretId: e.secretId,
      });
    },
    clearErrors: () => {
      errors.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
