/**
 * `shares`: the fairshare tree (`sshare`, v0.0.40+). Account rows carry `user=""` (Slurm has no user with an
 * empty name, so they can never collide with a real user such as `root`, unlike upstream which rewrote empty
 * users to `root`); `row` says which kind a series is.
 */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['shares'] as const;
const LABELS = ['account', 'user', 'partition', 'row'] as const;
const FIELDS = [
  ['slurm_share_raw_shares', 'rawShares', 'Raw shares (sshare RawShares); +Inf for parent shares.'],
  ['slurm_share_normalized_shares', 'normalizedShares', 'Normalized shares (sshare NormShares).'],
  ['slurm_share_raw_usage', 'rawUsage', 'Raw decayed usage (sshare RawUsage).'],
  ['slurm_share_effective_usage', 'effectiveUsage', 'Effective usage (sshare EffectvUsage).'],
  ['slurm_share_fairshare_factor', 'fairshareFactor', 'Fairshare factor (sshare FairShare), 0..1.'],
  [
    'slurm_share_fairshare_level',
    'fairshareLevel',
    'Fair Tree level fairshare (sshare LevelFS); +Inf possible.',
  ],
] as const;

const metrics: MetricDef[] = FIELDS.map(([name, , help]) =>
  metric(name, 'gauge', `${help} Account rows have user="" and row="account".`, LABELS, S),
);

export const sharesCollector: Collector = {
  name: 'shares',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        for (const s of data.shares ?? []) {
          const l = {
            account: s.account,
            user: s.user,
            partition: s.partition,
            row: s.user === '' ? 'account' : 'user',
          };
          for (const [name, field] of FIELDS) b.set(name, l, s[field]);
        }
        return b.families();
      },
    };
  },
};
