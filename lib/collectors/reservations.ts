/** `reservations`: one set of series per advanced reservation. */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['reservations'] as const;
const R = ['reservation'] as const;

const metrics: MetricDef[] = [
  metric(
    'slurm_reservation_info',
    'gauge',
    'Reservation facts; always 1. state is active when start <= now < end.',
    ['reservation', 'state', 'partition', 'flags', 'users', 'accounts', 'nodes'],
    S,
  ),
  metric('slurm_reservation_active', 'gauge', '1 while the reservation is active.', R, S),
  metric('slurm_reservation_nodes', 'gauge', 'Nodes in the reservation.', R, S),
  metric('slurm_reservation_cores', 'gauge', 'Cores in the reservation (absent when not reported).', R, S),
  metric('slurm_reservation_start_timestamp_seconds', 'gauge', 'Start time (unix seconds).', R, S),
  metric('slurm_reservation_end_timestamp_seconds', 'gauge', 'End time (unix seconds).', R, S),
  metric('slurm_reservation_remaining_seconds', 'gauge', 'Seconds until the end; 0 once ended.', R, S),
];

export const reservationsCollector: Collector = {
  name: 'reservations',
  endpoints: S,
  metrics,
  start(ctx) {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const r of data.reservations ?? []) {
          const l = { reservation: r.name };
          const started = r.startTime !== null && r.startTime <= ctx.now;
          const notEnded = r.endTime === null || ctx.now < r.endTime;
          const active = started && notEnded;
          b.set(
            'slurm_reservation_info',
            {
              reservation: r.name,
              state: active ? 'active' : 'inactive',
              partition: r.partition,
              flags: r.flags.join(','),
              users: r.users,
              accounts: r.accounts,
              nodes: r.nodeList,
            },
            1,
          );
          b.set('slurm_reservation_active', l, active ? 1 : 0);
          b.set('slurm_reservation_nodes', l, r.nodeCount);
          b.set('slurm_reservation_cores', l, r.coreCount);
          b.set('slurm_reservation_start_timestamp_seconds', l, r.startTime);
          b.set('slurm_reservation_end_timestamp_seconds', l, r.endTime);
          if (r.endTime !== null)
            b.set('slurm_reservation_remaining_seconds', l, Math.max(0, r.endTime - ctx.now));
        }
        return b.families();
      },
    };
  },
};
