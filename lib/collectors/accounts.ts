/** `accounts` (slurmdbd): account facts and count. */
import { FamilyBuilder, metric } from './family.js';
import type { Collector, MetricDef } from './types.js';

const S = ['accounts'] as const;
const metrics: MetricDef[] = [
  metric(
    'slurm_account_info',
    'gauge',
    'Account facts; always 1.',
    ['account', 'description', 'organization', 'flags'],
    S,
  ),
  metric('slurm_account_coordinators', 'gauge', 'Coordinators of the account.', ['account'], S),
  metric('slurm_accounts', 'gauge', 'Accounts in slurmdbd.', [], S),
];

export const accountsCollector: Collector = {
  name: 'accounts',
  endpoints: S,
  metrics,
  start() {
    return {
      finish(data) {
        const b = new FamilyBuilder(metrics);
        const list = data.accounts ?? [];
        for (const a of list) {
          b.set(
            'slurm_account_info',
            {
              account: a.name,
              description: a.description,
              organization: a.organization,
              flags: a.flags.join(','),
            },
            1,
          );
          b.set('slurm_account_coordinators', { account: a.name }, a.coordinators.length);
        }
        b.set('slurm_accounts', {}, list.length);
        return b.families();
      },
    };
  },
};
