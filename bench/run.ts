/**
 * `npm run bench` entry (bundled to dist/bench.cjs): without arguments it orchestrates; the orchestrator forks
 * this same file with `--server <spec>` (simulated slurmrestd + push sink) and dist/bench-exporter.cjs with a
 * task (one measured collection), so each side runs in its own process. See docs/performance.md.
 */
import type { ClusterSpec } from './ipc.js';

async function main(argv: string[]): Promise<void> {
  const [mode, arg] = argv;
  if (mode === '--server') {
    const { runServerChild } = await import('./server-child.js');
    await runServerChild(JSON.parse(arg ?? '{}') as ClusterSpec);
    return;
  }
  const { runOrchestrator } = await import('./orchestrate.js');
  await runOrchestrator(argv);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  process.stderr.write(`[bench] ${message}\n`);
  if (process.send) process.send({ type: 'error', error: message }, () => process.exit(1));
  else process.exit(1);
});
