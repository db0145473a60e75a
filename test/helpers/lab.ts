/**
 * Access to the real-services lab (scripts/lab/up.sh writes .lab/env). e2e suites call `requireLab()` in
 * their top level: in CI (CI=true) a missing lab throws (a failure, never a skip); locally the suite is
 * reported as not run with a clear message that the lab is down.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface LabEnv {
  SLURM_URL: string;
  SLURM_USER: string;
  SLURM_TOKEN: string;
  PUSHGATEWAY_URL: string;
  PROMETHEUS_URL: string;
  REMOTE_WRITE_URL: string;
  /** Also written by up.sh: SLURM_CONF (for sinfo/squeue/scontrol), SLURM_ROOT_TOKEN (admin JWT for slurmdb
   * admin endpoints), SLURM_DBD ('1' or '0' with LAB_NO_DBD=1), LAB_DIR, SLURM_API_VERSIONS. */
  [key: string]: string;
}

/** Lab daemons that scripts/lab/ctl.sh can stop/start by their recorded PID. */
export type LabDaemon =
  | 'slurmctld'
  | 'slurmrestd'
  | 'slurmdbd'
  | 'pushgateway'
  | 'prometheus'
  | 'slurmd-n1'
  | 'slurmd-n2'
  | 'slurmd-n3'
  | 'slurmd-n4';

/**
 * Stops, starts or restarts one lab daemon (fault tests). `start`/`restart` return once the daemon answers again.
 * Throws with ctl.sh's message when it fails. Runs as the test's user (root in the lab).
 */
export function labCtl(action: 'stop' | 'start' | 'restart', daemon: LabDaemon): void {
  const script = path.resolve(import.meta.dirname, '../../scripts/lab/ctl.sh');
  execFileSync('bash', [script, action, daemon], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
}

export const LAB_ENV_FILE = path.resolve(import.meta.dirname, '../../.lab/env');

/** Parses .lab/env (KEY=VALUE lines, optional `export ` prefix and quotes); null when absent. */
export function readLabEnv(file = LAB_ENV_FILE): LabEnv | null {
  if (!existsSync(file)) return null;
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1] as string] = (m[2] as string).replace(/^['"]|['"]$/g, '');
  }
  for (const k of ['SLURM_URL', 'SLURM_TOKEN', 'PUSHGATEWAY_URL', 'PROMETHEUS_URL', 'REMOTE_WRITE_URL']) {
    if (!out[k]) throw new Error(`${file} lacks ${k}: re-run scripts/lab/up.sh`);
  }
  return out as LabEnv;
}

/**
 * Returns the lab env, or null when the lab is down outside CI (callers then use `describe.runIf(lab)`,
 * and a notice is printed). In CI a missing lab is an error.
 */
export function requireLab(): LabEnv | null {
  const lab = readLabEnv();
  if (lab) return lab;
  if (process.env.CI === 'true') {
    throw new Error(
      `real-services lab is down (${LAB_ENV_FILE} missing): CI must run scripts/lab/up.sh first`,
    );
  }
  process.stderr.write(
    `\n[e2e] real-services lab is down: these e2e tests did NOT run. Start it with \`npm run lab:up\`.\n`,
  );
  return null;
}
