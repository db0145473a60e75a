/**
 * The floor of a run: `JSON.parse(buffer.toString('utf8'))` of the very same response bodies, already in memory.
 * Measured in its own fresh process right after the run, with Node's default heap: the naive parse of a
 * 262 MB body needs ~650 MB of heap, which the deployed old-space cap (serverless.yml) refuses — the reason
 * the exporter streams. V8 flags are process-wide, so a worker thread could not lift the cap either.
 */
import type { FloorReport, FloorTask } from './ipc.js';
import { gc, httpGet } from './ipc.js';

/** V8's maximum string length (2^29 - 24 UTF-16 units): a longer body cannot be turned into one string. */
const MAX_STRING_BYTES = 0x1fffffe8;

/** Minimum over `reps` of the time to JSON.parse every body (the most favourable floor). */
export function floorMs(bodies: Buffer[], reps: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    gc();
    const t = performance.now();
    let keep = 0;
    for (const b of bodies) {
      const doc: unknown = JSON.parse(b.toString('utf8'));
      if (doc !== null) keep++;
    }
    const ms = performance.now() - t;
    if (keep !== bodies.length) throw new Error('floor: a body parsed to null');
    best = Math.min(best, ms);
  }
  return best;
}

export async function runFloor(task: FloorTask): Promise<FloorReport> {
  // The same bodies the run read (fetched again, not counted by the run) and held in memory.
  const bodies: Buffer[] = [];
  for (const p of task.paths) bodies.push(await httpGet(`${task.simUrl}${p}`));
  const jobsBody = bodies[task.paths.findIndex((p) => p.endsWith('/jobs'))];
  const report: FloorReport = {
    type: 'floor',
    body_bytes_per_job: Math.round((jobsBody?.length ?? 0) / Math.max(1, task.jobs)),
    floor_ms: null,
  };
  const largest = Math.max(...bodies.map((b) => b.length));
  if (largest > MAX_STRING_BYTES) {
    // The naive way cannot even run: V8 strings are limited to 2^29-24 characters (~512 MiB).
    report.floor_note = `JSON.parse(buffer.toString()) impossible: a ${largest}-byte body exceeds V8's string limit`;
    return report;
  }
  report.floor_ms = Math.round(floorMs(bodies, task.jobs >= 50_000 ? 2 : 3));
  return report;
}
