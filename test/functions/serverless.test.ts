import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LAZY_NAMES } from '../../lib/lazy.js';
import { heapLimitRisk } from '../../lib/observability/heap-limit.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

interface CfnResource {
  Type: string;
  Condition?: string;
  Properties: Record<string, unknown>;
}

describe('serverless.yml', () => {
  let outDir: string;
  let resources: Record<string, CfnResource>;

  beforeAll(async () => {
    // Prepare: package offline, with no AWS credentials at all.
    outDir = mkdtempSync(path.join(tmpdir(), 'sls-package-'));
    await run(path.join(root, 'node_modules/.bin/serverless'), ['package', '--package', outDir], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: outDir,
        AWS_SHARED_CREDENTIALS_FILE: path.join(outDir, 'none'),
        AWS_CONFIG_FILE: path.join(outDir, 'none'),
      },
      timeout: 120_000,
    });
    const template = JSON.parse(
      readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as { Resources: Record<string, CfnResource> };
    resources = template.Resources;
  }, 150_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  const byType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  it('packages both functions on nodejs22.x arm64 with the prebuilt bundles', () => {
    const fns = byType('AWS::Lambda::Function').map(([, r]) => r.Properties);
    expect(fns.map((f) => f.Handler).sort()).toEqual(['dist/collect.handler', 'dist/health.handler']);
    for (const f of fns) {
      expect(f.Runtime).toBe('nodejs22.x');
      expect(f.Architectures).toEqual(['arm64']);
    }
  });

  it('schedules the collect function without retries', () => {
    const rules = byType('AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    expect(String(rules[0]?.[1].Properties.ScheduleExpression)).toMatch(/^rate\(/);
    const eventConfig = byType('AWS::Lambda::EventInvokeConfig');
    expect(eventConfig[0]?.[1].Properties.MaximumRetryAttempts).toBe(0);
  });

  it('routes HTTP requests to the health function', () => {
    const routes = byType('AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    const integrations = byType('AWS::ApiGatewayV2::Integration');
    expect(JSON.stringify(integrations)).toContain('HealthLambdaFunction');
  });

  it('grants exactly: logs, GetSecretValue on one secret, and aps:RemoteWrite only when a workspace is set', () => {
    const role = resources.IamRoleLambdaExecution?.Properties as {
      Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] } }[];
    };
    const statements = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => s.Action).sort();
    expect(actions).toEqual(
      [
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'logs:TagResource',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
    const secret = statements.find((s) => s.Action.includes('secretsmanager:GetSecretValue'));
    expect(typeof secret?.Resource).toBe('string');
    expect(String(secret?.Resource)).not.toContain('*:secret:*');
    // Other policies exist only under a condition (AMP workspace, VPC).
    const policies = byType('AWS::IAM::Policy');
    for (const [name, p] of policies) {
      expect(p.Condition, `${name} must be conditional`).toBeTruthy();
    }
    const aps = policies.find(([, p]) => JSON.stringify(p.Properties).includes('aps:RemoteWrite'));
    expect(aps?.[1].Condition).toBe('HasAmpWorkspace');
  });

  it("caps each function's V8 heap below its memory size", async () => {
    const fns = byType('AWS::Lambda::Function').map(([, r]) => r.Properties);
    expect(fns).toHaveLength(2);
    for (const f of fns) {
      const options = (f.Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS;
      expect(options, `${f.Handler}`).toMatch(/--max-old-space-size=\d+/);
      // The heap limit V8 really takes from these options, in a process started with them.
      const { stdout } = await run(
        process.execPath,
        ['-e', 'process.stdout.write(String(require("node:v8").getHeapStatistics().heap_size_limit))'],
        { env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: options ?? '' }, timeout: 30_000 },
      );
      const limit = Number(stdout);
      expect(limit).toBeGreaterThan(0);
      expect(heapLimitRisk(limit, String(f.MemorySize)), `${f.Handler} (${options})`).toBeNull();
    }
  });

  it('ships only the dist bundles', () => {
    const yml = parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8')) as {
      package: { patterns: string[] };
    };
    expect(yml.package.patterns[0]).toBe('!**');
    expect(yml.package.patterns.slice(1).every((p) => p.startsWith('dist/'))).toBe(true);
    // lib/lazy.ts requires dist/<name>.cjs at run time: a bundle left out fails only when it is configured.
    for (const name of LAZY_NAMES) expect(yml.package.patterns).toContain(`dist/${name}.cjs`);
  });
});
