/**
 * Entry of dist/bench-exporter.cjs, the measured process the orchestrator forks once per run:
 * `node --expose-gc dist/bench-exporter.cjs '<task json>'` (see bench/exporter-child.ts), and, with a task of
 * kind `floor`, the process that measures the run's JSON.parse floor (bench/floor.ts). Reports over IPC when
 * forked, else prints the JSON line (profiling by hand, docs/performance.md).
 */
import { runExporterChild } from './exporter-child.js';
import { runFloor } from './floor.js';
import type { ExporterTask, FloorTask } from './ipc.js';

const task = JSON.parse(process.argv[2] ?? '{}') as ExporterTask | FloorTask;
('kind' in task && task.kind === 'floor' ? runFloor(task) : runExporterChild(task as ExporterTask))
  .then((report) => {
    if (process.send) process.send(report, () => process.exit(0));
    else process.stdout.write(`${JSON.stringify(report)}\n`);
  })
  .catch((err: unknown) => {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`[bench-exporter] ${message}\n`);
    if (process.send) process.send({ type: 'error', error: message }, () => process.exit(1));
    else process.exit(1);
  });
