/** `users` (slurmdbd): user facts (admin level, default account) and count. */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['users'] as const;
const metrics: MetricDef[] = [
  metric('slurm_user_info', 'gauge', 'User facts; always 1.', ['user', 'default_account', 'admin_level'], S),
  metric('slurm_user_accounts', 'gauge', 'Accounts the user is associated with.', ['user'], S),
  metric('slurm_users', 'gauge', 'Users in slurmdbd.', [], S),
];

export const usersCollector: Collector = {
  name: 'users',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        const list = data.users ?? [];
        for (const u of list) {
          b.set(
            'slurm_user_info',
            { user: u.name, default_account: u.defaultAccount, admin_level: u.adminLevel },
            1,
          );
          b.set('slurm_user_accounts', { user: u.name }, u.accounts.length);
        }
        b.set('slurm_users', {}, list.length);
        return b.families();
      },
    };
  },
};
