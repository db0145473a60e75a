import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { HELP, main } from '../../lib/cli/main.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

function capture() {
  const io = { outText: '', errText: '', isTty: false };
  return {
    io,
    sink: {
      out: (t: string) => {
        io.outText += t;
      },
      err: (t: string) => {
        io.errText += t;
      },
      isTty: false,
    },
  };
}

/** Environment without any SLURM_EXPORTER_* from the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('SLURM_EXPORTER_')) env[k] = v;
  return { ...env, ...extra };
}

function promtool(): string | null {
  try {
    return execFileSync('which', ['promtool'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

describe('slurm-push CLI', () => {
  it('lists every command and option in --help', async () => {
    const { io, sink } = capture();
    expect(await main(['--help'], {}, sink)).toBe(0);
    for (const word of [
      'collect',
      '--once',
      '--dry-run',
      '--target',
      'health',
      '--ready',
      'validate-config',
      'delete-group',
      '--config',
      '--log-level',
    ]) {
      expect(io.outText).toContain(word);
    }
    expect(io.outText).toBe(HELP);
  });

  it('rejects an unknown log level and an unknown command with usage exit code 2', async () => {
    const { io, sink } = capture();
    expect(await main(['collect', '--log-level', 'loud'], {}, sink)).toBe(2);
    expect(io.errText).toContain('--log-level must be one of debug, info, warn, error');
    expect(await main(['frobnicate'], {}, sink)).toBe(2);
  });

  it('validate-config prints the redacted config (exit 0) or every problem (exit 1)', async () => {
    const ok = capture();
    const token = 'cli-validate-token-value-42';
    expect(
      await main(
        ['validate-config'],
        { SLURM_EXPORTER_SLURM_AUTH_TYPE: 'jwt', SLURM_EXPORTER_SLURM_AUTH_TOKEN: token },
        ok.sink,
      ),
    ).toBe(0);
    const printed = JSON.parse(ok.io.outText) as { slurm: { auth: { token: string } } };
    expect(printed.slurm.auth.token).toBe('[REDACTED]');
    expect(ok.io.outText + ok.io.errText).not.toContain(token);

    const bad = capture();
    expect(
      await main(
        ['validate-config'],
        { SLURM_EXPORTER_PUSH_TYPE: 'pushgateway', SLURM_EXPORTER_LOGGING_LEVEL: 'chatty' },
        bad.sink,
      ),
    ).toBe(1);
    expect(bad.io.errText).toContain('SLURM_EXPORTER_PUSH_URL');
    expect(bad.io.errText).toContain('SLURM_EXPORTER_LOGGING_LEVEL');
  });

  it('reads --config FILE', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cli-config-'));
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, 'cluster_name: from-file\nlogging:\n  level: warn\n');
    const { io, sink } = capture();
    expect(await main(['validate-config', '--config', file], {}, sink)).toBe(0);
    expect(JSON.parse(io.outText)).toMatchObject({ cluster_name: 'from-file', logging: { level: 'warn' } });
  });

  it('collect --dry-run prints exposition text of the embedded cluster to stdout only', async () => {
    const { io, sink } = capture();
    expect(await main(['collect', '--dry-run', '--log-level', 'error'], {}, sink)).toBe(0);
    expect(io.outText).toMatch(/^slurm_nodes\{cluster="embedded",state="allocated"\} \d+$/m);
    expect(io.outText).toMatch(/^slurm_exporter_collector_success\{.*collector="jobs".*\} 1$/m);
    // Logs never go to stdout: every stdout line is exposition syntax.
    for (const line of io.outText.split('\n').filter(Boolean))
      expect(line).toMatch(/^(# (HELP|TYPE) |[a-zA-Z_:])/);
  });
});

describe('README commands', () => {
  let startOut = '';

  beforeAll(async () => {
    // `npm start` exactly as the README gives it (builds dist/, runs one collection on the embedded cluster).
    const r = await run('npm', ['start', '--silent'], {
      cwd: root,
      env: cleanEnv(),
      timeout: 180_000,
      maxBuffer: 64 << 20,
    });
    startOut = r.stdout;
  }, 200_000);

  it('npm start prints real exposition text with slurm_nodes series', () => {
    expect(startOut).toMatch(/^slurm_nodes\{cluster="embedded",state="idle"\} \d+$/m);
    expect(startOut).toMatch(/^slurm_jobs\{cluster="embedded",state="RUNNING"\} \d+$/m);
  });

  // promtool comes with the lab's prometheus package: required in CI, not run on a laptop without it.
  const tool = promtool();
  it.runIf(tool !== null || process.env.CI === 'true')(
    'npm start output passes promtool check metrics',
    async () => {
      expect(tool, 'promtool is missing: scripts/lab/up.sh installs it (package prometheus)').not.toBeNull();
      const dir = mkdtempSync(path.join(tmpdir(), 'promtool-'));
      const file = path.join(dir, 'metrics.prom');
      writeFileSync(file, startOut);
      const r = await new Promise<{ code: number; out: string }>((resolve) => {
        const child = execFile('sh', ['-c', `${tool} check metrics < ${file}`], (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
        );
        child.stdin?.end();
      });
      // promtool exits 0 with lint warnings only; errors (unparseable text) exit non-zero.
      expect(r.out).not.toMatch(/error while linting|text format parsing error/i);
      expect(r.code, r.out).toBe(0);
    },
  );

  it('the bin validates the config with exit codes 0 and 1', async () => {
    const ok = await run('node', [path.join(root, 'bin/slurm-push.cjs'), 'validate-config'], {
      cwd: root,
      env: cleanEnv(),
    });
    expect(ok.stderr).toContain('configuration is valid');
    const bad = await run('node', [path.join(root, 'bin/slurm-push.cjs'), 'validate-config'], {
      cwd: root,
      env: cleanEnv({ SLURM_EXPORTER_SLURM_BASE_URL: 'slurm-ctl:6820' }),
    }).catch((e: { code: number; stderr: string }) => e);
    expect((bad as { code: number }).code).toBe(1);
    expect((bad as { stderr: string }).stderr).toContain('SLURM_EXPORTER_SLURM_BASE_URL');
  });
});
