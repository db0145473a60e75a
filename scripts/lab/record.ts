/**
 * Records real slurmrestd 22.05 responses from the running lab into test/fixtures/slurmrestd-22.05/:
 *   <version>/<endpoint>.json   the response body exactly as slurmrestd sent it (v0.0.36..38, dbv0.0.36..38)
 *   errors/<case>.json          { request, status, contentType, connection, body } for error cases
 *   lab-truth.json              sinfo/squeue/scontrol output at recording time (the CLI's view)
 *   index.json                  every recorded request: file, path, token user, status, content type, bytes
 * Bodies are stored verbatim (not re-serialised) so parsers see slurmrestd's own bytes (`\/`, key order).
 * Tokens travel only in headers and are never written; the run fails if any token text appears in a file.
 *
 * Run as root with the lab up: `npx tsx scripts/lab/record.ts` (or `bash scripts/lab/record.sh`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readLabEnv } from '../../test/helpers/lab.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const FINAL = path.join(REPO, 'test/fixtures/slurmrestd-22.05');
// Each attempt records into a scratch directory that replaces FINAL only when complete and consistent.
const OUT = `${FINAL}.recording`;

const lab = readLabEnv();
if (!lab) throw new Error('lab is down (.lab/env missing): run scripts/lab/up.sh first');
const env = lab;
const SLURM_CONF = env.SLURM_CONF ?? path.join(REPO, '.lab/etc/slurm.conf');
const ROOT_TOKEN = env.SLURM_ROOT_TOKEN;
if (!ROOT_TOKEN) throw new Error('.lab/env lacks SLURM_ROOT_TOKEN: re-run scripts/lab/up.sh');

const SLURM_VERSIONS = ['v0.0.36', 'v0.0.37', 'v0.0.38'] as const;
const DB_VERSIONS = ['dbv0.0.36', 'dbv0.0.37', 'dbv0.0.38'] as const;
const SLURM_ENDPOINTS = ['ping', 'diag', 'nodes', 'jobs', 'partitions', 'reservations', 'licenses'] as const;
const DB_ENDPOINTS = [
  'accounts',
  'users',
  'associations',
  'qos',
  'tres',
  'clusters',
  'diag',
  'jobs',
] as const;

type Auth =
  | 'user'
  | 'root'
  | 'none'
  | 'user-name-only'
  | 'bad-token'
  | 'expired-token'
  | 'user-with-other-users-token'
  | 'user-with-root-token';

interface IndexRow {
  file: string;
  method: string;
  path: string;
  auth: Auth;
  status: number;
  contentType: string | null;
  bytes: number;
}

const index: IndexRow[] = [];
const secrets: string[] = [env.SLURM_TOKEN, ROOT_TOKEN];

function cli(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { env: { ...process.env, SLURM_CONF }, encoding: 'utf8', timeout: 20_000 });
}

function token(user: string, lifespan: number): string {
  const out = cli('scontrol', ['token', `username=${user}`, `lifespan=${lifespan}`]).trim();
  const tok = out.replace(/^SLURM_JWT=/, '');
  secrets.push(tok);
  return tok;
}

/** `other` is a second token (expired, or another user's) made for this run only. */
function headersFor(auth: Auth, other: string): Record<string, string> {
  switch (auth) {
    case 'user':
      return { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': env.SLURM_TOKEN };
    case 'root':
      return { 'X-SLURM-USER-NAME': 'root', 'X-SLURM-USER-TOKEN': ROOT_TOKEN as string };
    case 'none':
      return {};
    case 'user-name-only':
      return { 'X-SLURM-USER-NAME': env.SLURM_USER };
    case 'bad-token':
      return { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': 'not.a.valid.jwt' };
    case 'expired-token':
    case 'user-with-other-users-token':
      return { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': other };
    case 'user-with-root-token':
      return { 'X-SLURM-USER-NAME': env.SLURM_USER, 'X-SLURM-USER-TOKEN': ROOT_TOKEN as string };
  }
}

interface Reply {
  status: number;
  contentType: string | null;
  connection: string | null;
  text: string;
}

async function call(method: string, urlPath: string, auth: Auth, other = ''): Promise<Reply> {
  const res = await fetch(`${env.SLURM_URL}${urlPath}`, {
    method,
    headers: headersFor(auth, other),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    connection: res.headers.get('connection'),
    text,
  };
}

function write(rel: string, text: string, row: Omit<IndexRow, 'file' | 'bytes'>): void {
  const file = path.join(OUT, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
  index.push({ file: rel, ...row, bytes: Buffer.byteLength(text) });
}

/** A successful-path recording: the body verbatim. Fails loudly when slurmrestd did not answer JSON. */
async function recordBody(rel: string, urlPath: string, auth: Auth): Promise<void> {
  const r = await call('GET', urlPath, auth);
  try {
    JSON.parse(r.text);
  } catch (err) {
    throw new Error(`${urlPath} (${auth}) answered ${r.status} ${r.contentType} that is not JSON`, {
      cause: err,
    });
  }
  write(rel, r.text, { method: 'GET', path: urlPath, auth, status: r.status, contentType: r.contentType });
  process.stderr.write(`  ${r.status} ${urlPath} (${auth}) -> ${rel}\n`);
}

async function recordError(
  name: string,
  method: string,
  urlPath: string,
  auth: Auth,
  other = '',
): Promise<void> {
  const r = await call(method, urlPath, auth, other);
  let body: unknown = r.text;
  if (r.contentType?.includes('json')) body = JSON.parse(r.text);
  const rel = `errors/${name}.json`;
  const doc = {
    request: { method, path: urlPath, auth },
    status: r.status,
    contentType: r.contentType,
    connection: r.connection,
    body,
  };
  write(rel, `${JSON.stringify(doc, null, 2)}\n`, {
    method,
    path: urlPath,
    auth,
    status: r.status,
    contentType: r.contentType,
  });
  process.stderr.write(`  ${r.status} ${method} ${urlPath} (${auth}) -> ${rel}\n`);
}

/** Splits `scontrol show ... -o` lines into key/value records (values may contain spaces). */
function parseOneliners(text: string): Record<string, string>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('No '))
    .map((line) => {
      const rec: Record<string, string> = {};
      for (const m of line.trim().matchAll(/([A-Za-z][\w/:]*)=(.*?)(?=\s+[A-Za-z][\w/:]*=|$)/g)) {
        rec[m[1] as string] = (m[2] as string).trim();
      }
      return rec;
    });
}

function splitLines(text: string, sep: string, keys: readonly string[]): Record<string, string>[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const parts = l.split(sep);
      return Object.fromEntries(keys.map((k, i) => [k, (parts[i] ?? '').trim()]));
    });
}

function labTruth(): unknown {
  const nodeRows = splitLines(cli('sinfo', ['-h', '-N', '-o', '%N|%T|%t|%P|%C|%E']), '|', [
    'name',
    'state',
    'compactState',
    'partition',
    'cpus',
    'reason',
  ]);
  const nodes = new Map<string, Record<string, unknown>>();
  for (const r of nodeRows) {
    const name = r.name as string;
    const prev = nodes.get(name);
    const partition = (r.partition as string).replace(/\*$/, '');
    if (prev) (prev.partitions as string[]).push(partition);
    else {
      const [alloc, idle, other, total] = (r.cpus as string).split('/').map(Number);
      nodes.set(name, {
        name,
        state: r.state,
        compactState: r.compactState,
        partitions: [partition],
        cpus: { alloc, idle, other, total },
        reason: r.reason === 'none' ? null : r.reason,
      });
    }
  }
  const jobKeys = [
    'id',
    'arrayJobId',
    'arrayTaskId',
    'state',
    'reason',
    'partition',
    'user',
    'account',
    'name',
  ];
  const jobFmt = '%i|%F|%K|%T|%r|%P|%u|%a|%j';
  // squeue prints N/A for the task id of a job that is not an array task.
  const jobRows = (extra: string[]) =>
    splitLines(cli('squeue', ['-h', ...extra, '-t', 'all', '-o', jobFmt]), '|', jobKeys)
      .map(
        (j): Record<string, string | null> => ({
          ...j,
          arrayTaskId: j.arrayTaskId === 'N/A' ? null : (j.arrayTaskId ?? null),
        }),
      )
      .sort((a, b) => String(a.id).localeCompare(String(b.id), 'en', { numeric: true }));
  return {
    recordedAt: new Date().toISOString(),
    release: cli('sinfo', ['-V']).trim(),
    commands: {
      nodes: `sinfo -h -N -o '%N|%T|%t|%P|%C|%E' (one row per node, partitions merged)`,
      nodeRecords: 'scontrol -F show node -o (includes FUTURE nodes, which /nodes and sinfo omit)',
      jobs: `squeue -h -r -t all -o '${jobFmt}' (array tasks expanded)`,
      jobsCollapsed: `squeue -h -t all -o '${jobFmt}' (pending array tasks collapsed, as squeue shows them)`,
      partitions: 'scontrol show partition -o',
      reservations: 'scontrol show reservation -o',
      licenses: 'scontrol show licenses -o',
    },
    // sinfo -N lists rows in an unstable order: sort so two snapshots of the same state compare equal.
    nodes: [...nodes.values()]
      .map((n): Record<string, unknown> => ({ ...n, partitions: (n.partitions as string[]).sort() }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    nodeRecords: parseOneliners(cli('scontrol', ['-F', 'show', 'node', '-o'])).map((r) => ({
      name: r.NodeName,
      state: r.State,
      partitions: r.Partitions ?? null,
      reason: r.Reason ?? null,
    })),
    jobs: jobRows(['-r']),
    jobsCollapsed: jobRows([]),
    partitions: parseOneliners(cli('scontrol', ['show', 'partition', '-o'])).map((r) => ({
      name: r.PartitionName,
      state: r.State,
      default: r.Default === 'YES',
      nodes: r.Nodes,
      totalNodes: Number(r.TotalNodes),
      totalCpus: Number(r.TotalCPUs),
    })),
    reservations: parseOneliners(cli('scontrol', ['show', 'reservation', '-o'])).map((r) => ({
      name: r.ReservationName,
      state: r.State,
      nodes: r.Nodes,
      nodeCount: Number(r.NodeCnt),
      coreCount: Number(r.CoreCnt),
      flags: r.Flags,
      users: r.Users,
      startTime: r.StartTime,
      endTime: r.EndTime,
    })),
    licenses: parseOneliners(cli('scontrol', ['show', 'licenses', '-o'])).map((r) => ({
      name: r.LicenseName,
      total: Number(r.Total),
      used: Number(r.Used),
      free: Number(r.Free),
      reserved: Number(r.Reserved),
      remote: r.Remote === 'yes',
    })),
  };
}

function firstJobId(state: string, name: string): string {
  const line = cli('squeue', ['-h', '-t', 'all', '-o', '%A|%T|%j'])
    .split('\n')
    .find((l) => l.endsWith(`|${name}`) && l.includes(`|${state}|`));
  if (!line)
    throw new Error(`no ${state} job named ${name} in the lab: re-seed with LAB_RESEED=1 scripts/lab/up.sh`);
  return line.split('|')[0] as string;
}

class StateMoved extends Error {}

async function main(): Promise<void> {
  // Start from a clean directory so removed cases do not linger.
  index.length = 0;
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });

  const truthBefore = JSON.stringify(labTruth());

  process.stderr.write('recording /slurm endpoints\n');
  for (const v of SLURM_VERSIONS) {
    for (const ep of SLURM_ENDPOINTS) {
      if (ep === 'reservations' && v === 'v0.0.36') continue; // 404 before v0.0.37 (recorded as an error case)
      if (ep === 'licenses' && v !== 'v0.0.38') continue; // 404 before v0.0.38
      await recordBody(`${v}/${ep}.json`, `/slurm/${v}/${ep}`, 'user');
    }
    const failed = firstJobId('FAILED', 'lab-fail');
    const running = firstJobId('RUNNING', 'lab-run-debug');
    await recordBody(`${v}/node-n1.json`, `/slurm/${v}/node/n1`, 'user');
    await recordBody(`${v}/job-failed.json`, `/slurm/${v}/job/${failed}`, 'user');
    await recordBody(`${v}/job-running.json`, `/slurm/${v}/job/${running}`, 'user');
  }
  if (env.SLURM_DBD !== '0') {
    process.stderr.write('recording /slurmdb endpoints (root token: the privileged view)\n');
    for (const v of DB_VERSIONS) {
      for (const ep of DB_ENDPOINTS) {
        const urlPath =
          ep === 'jobs' ? `/slurmdb/${v.slice(2)}/jobs?start_time=now-1day` : `/slurmdb/${v.slice(2)}/${ep}`;
        await recordBody(`${v}/${ep}.json`, urlPath, 'root');
      }
    }
  }

  process.stderr.write('recording error cases\n');
  const expired = token(env.SLURM_USER, 1);
  await new Promise((r) => setTimeout(r, 2500));
  await recordError('no-auth', 'GET', '/slurm/v0.0.38/ping', 'none');
  await recordError('user-name-only', 'GET', '/slurm/v0.0.38/ping', 'user-name-only');
  await recordError('bad-token-ping', 'GET', '/slurm/v0.0.38/ping', 'bad-token');
  await recordError('bad-token-jobs', 'GET', '/slurm/v0.0.38/jobs', 'bad-token');
  await recordError('expired-token-ping', 'GET', '/slurm/v0.0.38/ping', 'expired-token', expired);
  const alice = token('alice', 600);
  await recordError(
    'token-user-mismatch',
    'GET',
    '/slurm/v0.0.38/ping',
    'user-with-other-users-token',
    alice,
  );
  // Not an error: a root token may act for any user name (recorded because the exporter's docs rely on it).
  await recordError('root-token-as-user', 'GET', '/slurm/v0.0.38/ping', 'user-with-root-token');
  await recordError('unknown-version-v0.0.39', 'GET', '/slurm/v0.0.39/ping', 'user');
  await recordError('unknown-version-dbv0.0.39', 'GET', '/slurmdb/v0.0.39/qos', 'user');
  await recordError('unknown-endpoint', 'GET', '/slurm/v0.0.38/nope', 'user');
  await recordError('reservations-in-v0.0.36', 'GET', '/slurm/v0.0.36/reservations', 'user');
  await recordError('licenses-in-v0.0.37', 'GET', '/slurm/v0.0.37/licenses', 'user');
  await recordError('method-not-allowed', 'PATCH', '/slurm/v0.0.38/nodes', 'user');
  for (const v of SLURM_VERSIONS) {
    await recordError(`unknown-node-${v}`, 'GET', `/slurm/${v}/node/nosuchnode`, 'user');
    await recordError(`unknown-job-${v}`, 'GET', `/slurm/${v}/job/999999`, 'user');
  }
  const since = Math.floor(Date.now() / 1000) - 1;
  await recordError(
    'nodes-update_time-unchanged-v0.0.38',
    'GET',
    `/slurm/v0.0.38/nodes?update_time=${since}`,
    'user',
  );
  if (env.SLURM_DBD !== '0') {
    await recordError('slurmdb-diag-non-admin', 'GET', '/slurmdb/v0.0.38/diag', 'user');
    await recordError('slurmdb-wckeys-none', 'GET', '/slurmdb/v0.0.38/wckeys', 'root');
  }

  const truth = labTruth();
  // Jobs are long sleeps, so the state must not move during a recording; if it did, the truth is unreliable.
  const strip = (s: string) => s.replace(/"recordedAt":"[^"]*"/, '');
  if (strip(truthBefore) !== strip(JSON.stringify(truth))) {
    throw new StateMoved('lab state (sinfo/squeue/scontrol) changed during the recording');
  }
  writeFileSync(path.join(OUT, 'lab-truth.json'), `${JSON.stringify(truth, null, 2)}\n`);
  writeFileSync(
    path.join(OUT, 'index.json'),
    `${JSON.stringify({ recordedAt: (truth as { recordedAt: string }).recordedAt, requests: index }, null, 2)}\n`,
  );

  // Scrub check: no token (nor anything JWT-shaped) may be in any recorded file.
  for (const f of listFiles(OUT)) {
    const text = readFileSync(f, 'utf8');
    if (secrets.some((s) => s && text.includes(s)) || /eyJ[A-Za-z0-9_-]{10,}\./.test(text)) {
      throw new Error(`${f} contains token text: recordings must never hold a JWT`);
    }
  }
  rmSync(FINAL, { recursive: true, force: true });
  renameSync(OUT, FINAL);
  process.stderr.write(`recorded ${index.length} responses into ${path.relative(REPO, FINAL)}\n`);
}

/** Retries a bounded number of times when the scheduler moved something (e.g. a pending reason) mid-run. */
async function recordWithRetries(attempts: number): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await main();
      return;
    } catch (err) {
      if (!(err instanceof StateMoved) || i >= attempts) {
        rmSync(OUT, { recursive: true, force: true });
        throw err;
      }
      process.stderr.write(`${err.message}: retrying in 10 s (attempt ${i + 1} of ${attempts})\n`);
      await new Promise((r) => setTimeout(r, 10_000));
    }
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

await recordWithRetries(4);
