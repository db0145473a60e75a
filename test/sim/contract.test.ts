/**
 * Contract: simulator output must match the real slurmrestd schemas. Runs only when the reference material in
 * ../shared is present (OpenAPI documents for v0.0.40+, real 22.05 recordings for v0.0.38).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { generateCluster } from '../../lib/sim/generate.js';
import { renderBody } from '../../lib/sim/render.js';
import { ENDPOINTS, type EndpointName } from '../../lib/slurm/model.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shared = path.resolve(repoRoot, '../shared');
const openapiDir = path.join(shared, 'slurm-openapi');
const recordings = path.join(shared, 'slurmrestd-22.05');
const haveOpenapi = existsSync(path.join(openapiDir, 'v0.0.44.json'));
const haveRecordings = existsSync(path.join(recordings, 'v0.0.38', 'nodes.json'));
if (!haveOpenapi || !haveRecordings)
  console.log(`note: ${shared} not found, simulator contract tests do not run`);

const cluster = generateCluster({ seed: 7, nodes: 80, jobs: 400, partitions: 5, adversarial: true });
const DP_VERSIONS = ['v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43', 'v0.0.44', 'v0.0.45'] as const;

/**
 * OpenAPI 3.0 → JSON Schema quirks: drop `nullable`/`format`/`deprecated`, and `required` entries written as
 * `a/b` paths (Slurm's way of naming nested fields, which JSON Schema would read as a literal key).
 */
function clean(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable' || k === 'format' || k === 'deprecated' || k === 'example') continue;
    // v0.0.39's static documents leave item schemas as placeholders (`$ref: "DATA_PARSER_NODES"`).
    if (k === '$ref' && typeof v === 'string' && !v.startsWith('#')) continue;
    if (k === 'required' && Array.isArray(v)) {
      out[k] = v.filter((x) => typeof x === 'string' && !x.includes('/'));
      continue;
    }
    out[k] = clean(v);
  }
  return out;
}

function pathKey(
  doc: { paths: Record<string, unknown> },
  api: string,
  version: string,
  name: string,
): string {
  const candidates = [`/${api}/${version}/${name}/`, `/${api}/${version}/${name}`];
  const found = candidates.find((p) => p in doc.paths);
  if (!found) throw new Error(`no path for ${api}/${version}/${name}`);
  return found;
}

describe.runIf(haveOpenapi)('contract: data_parser versions against the OpenAPI documents', () => {
  for (const version of DP_VERSIONS) {
    it(`${version}: every endpoint validates against its 200 response schema`, () => {
      const doc = JSON.parse(readFileSync(path.join(openapiDir, `${version}.json`), 'utf8')) as {
        paths: Record<string, unknown>;
      };
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      ajv.addSchema({ $id: 'doc', ...(clean(doc) as object) });
      const failures: string[] = [];
      for (const [name, e] of Object.entries(ENDPOINTS)) {
        const p = pathKey(doc, e.api, version, e.path).replaceAll('~', '~0').replaceAll('/', '~1');
        const ref = `doc#/paths/${p}/get/responses/200/content/application~1json/schema`;
        const validate = ajv.compile({ $ref: ref });
        const body = JSON.parse(renderBody(cluster, version, name as EndpointName)) as { jobs?: unknown[] };
        // Known deviation of real slurmrestd that the simulator reproduces on purpose: jobs without resources
        // carry `job_resources: {}` (≤ v0.0.43) or `null` (v0.0.44+) although the schema marks fields required.
        for (const j of body.jobs ?? []) {
          const job = j as { job_resources?: unknown };
          if (job.job_resources === null || JSON.stringify(job.job_resources) === '{}')
            delete job.job_resources;
        }
        if (!validate(body)) {
          failures.push(`${name}: ${ajv.errorsText(validate.errors?.slice(0, 5), { separator: '\n  ' })}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe.runIf(haveOpenapi)('contract: v0.0.39 envelope against the 23.02 OpenAPI documents', () => {
  it('every served endpoint validates (meta/errors/warnings and the list key; items are placeholders there)', () => {
    const failures: string[] = [];
    for (const [name, e] of Object.entries(ENDPOINTS)) {
      if (name === 'shares') continue; // not in v0.0.39
      const file = e.api === 'slurm' ? 'v0.0.39.json' : 'dbv0.0.39.json';
      const doc = JSON.parse(readFileSync(path.join(openapiDir, file), 'utf8')) as {
        paths: Record<string, unknown>;
      };
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      ajv.addSchema({ $id: 'doc', ...(clean(doc) as object) });
      const p = `/${e.path}/`.replaceAll('/', '~1');
      const validate = ajv.compile({
        $ref: `doc#/paths/${p}/get/responses/200/content/application~1json/schema`,
      });
      const body = JSON.parse(renderBody(cluster, 'v0.0.39', name as EndpointName)) as Record<
        string,
        unknown
      >;
      if (!validate(body)) failures.push(`${name}: ${ajv.errorsText(validate.errors)}`);
      // The list key must be one the document names for this response.
      const resolved = ajv.getSchema(`doc#/paths/${p}/get/responses/200/content/application~1json/schema`)
        ?.schema as {
        $ref?: string;
      };
      const target = resolved.$ref ? ajv.getSchema(`doc${resolved.$ref}`)?.schema : resolved;
      const keys = Object.keys((target as { properties?: object }).properties ?? {});
      const extra = Object.keys(body).filter((k) => !keys.includes(k));
      if (extra.length > 0) failures.push(`${name}: keys not in the document: ${extra.join(',')}`);
    }
    expect(failures).toEqual([]);
  });
});

/** Keys an exporter reads from the 22.05 objects; each must exist in the simulator's v0.0.38 output. */
const V38_FILES: { file: string; endpoint: EndpointName; key: string }[] = [
  { file: 'v0.0.38/nodes.json', endpoint: 'nodes', key: 'nodes' },
  { file: 'v0.0.38/jobs.json', endpoint: 'jobs', key: 'jobs' },
  { file: 'v0.0.38/partitions.json', endpoint: 'partitions', key: 'partitions' },
  { file: 'v0.0.38/reservations.json', endpoint: 'reservations', key: 'reservations' },
  { file: 'v0.0.38/licenses.json', endpoint: 'licenses', key: 'licenses' },
  { file: 'v0.0.38/ping.json', endpoint: 'ping', key: 'pings' },
  { file: 'dbv0.0.38/accounts.json', endpoint: 'accounts', key: 'accounts' },
  { file: 'dbv0.0.38/users.json', endpoint: 'users', key: 'users' },
  { file: 'dbv0.0.38/associations.json', endpoint: 'associations', key: 'associations' },
  { file: 'dbv0.0.38/qos.json', endpoint: 'qos', key: 'QOS' },
  { file: 'dbv0.0.38/tres.json', endpoint: 'tres', key: 'TRES' },
  { file: 'dbv0.0.38/clusters.json', endpoint: 'clusters', key: 'clusters' },
];

function keyUnion(items: unknown[]): Set<string> {
  const keys = new Set<string>();
  for (const item of items) for (const k of Object.keys(item as object)) keys.add(k);
  return keys;
}

describe.runIf(haveRecordings)('contract: v0.0.38 against the real 22.05 recordings', () => {
  for (const { file, endpoint, key } of V38_FILES) {
    it(`${endpoint}: same envelope and element keys as ${file}`, () => {
      const real = JSON.parse(readFileSync(path.join(recordings, file), 'utf8')) as Record<string, unknown>;
      const ours = JSON.parse(renderBody(cluster, 'v0.0.38', endpoint)) as Record<string, unknown>;
      expect(Object.keys(ours).sort()).toEqual(Object.keys(real).sort());
      expect(Object.keys(ours.meta as object).sort()).toEqual(Object.keys(real.meta as object).sort());
      const realKeys = keyUnion(real[key] as unknown[]);
      const ourKeys = keyUnion(ours[key] as unknown[]);
      expect([...realKeys].filter((k) => !ourKeys.has(k))).toEqual([]);
    });
  }
  it('diag: every statistics key of the recording exists', () => {
    const real = JSON.parse(readFileSync(path.join(recordings, 'v0.0.38/diag.json'), 'utf8')) as {
      statistics: Record<string, unknown>;
    };
    const ours = JSON.parse(renderBody(cluster, 'v0.0.38', 'diag')) as {
      statistics: Record<string, unknown>;
    };
    expect(Object.keys(real.statistics).filter((k) => !(k in ours.statistics))).toEqual([]);
    const realRpc = keyUnion(real.statistics.rpcs_by_message_type as unknown[]);
    const ourRpc = keyUnion(ours.statistics.rpcs_by_message_type as unknown[]);
    expect([...realRpc].filter((k) => !ourRpc.has(k))).toEqual([]);
  });
  it('value types of shared node/job keys match the recording (number/string/array/bool)', () => {
    for (const [file, endpoint, key] of [
      ['v0.0.38/nodes.json', 'nodes', 'nodes'],
      ['v0.0.38/jobs.json', 'jobs', 'jobs'],
      ['v0.0.38/partitions.json', 'partitions', 'partitions'],
    ] as const) {
      const real = (
        JSON.parse(readFileSync(path.join(recordings, file), 'utf8')) as Record<string, unknown[]>
      )[key];
      const ours = (JSON.parse(renderBody(cluster, 'v0.0.38', endpoint)) as Record<string, unknown[]>)[key];
      const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
      const realKinds = new Map<string, Set<string>>();
      for (const item of real ?? []) {
        for (const [k, v] of Object.entries(item as object)) {
          if (!realKinds.has(k)) realKinds.set(k, new Set());
          realKinds.get(k)?.add(kind(v));
        }
      }
      const mismatches: string[] = [];
      for (const item of ours ?? []) {
        for (const [k, v] of Object.entries(item as object)) {
          const allowed = realKinds.get(k);
          // null is how 22.05 reports unset numbers; a key the recording only shows as null may carry a value.
          if (allowed && !allowed.has(kind(v)) && kind(v) !== 'null' && !allowed.has('null')) {
            mismatches.push(`${endpoint}.${k}: ${kind(v)} not in ${[...allowed].join('|')}`);
          }
        }
      }
      expect([...new Set(mismatches)]).toEqual([]);
    }
  });
});
