// accounts, users, tres and clusters: small collectors over slurmdbd lists.
import { describe, expect, it } from 'vitest';
import { accountsCollector } from '../../lib/collectors/accounts.js';
import { clustersCollector } from '../../lib/collectors/clusters.js';
import { tresCollector } from '../../lib/collectors/tres.js';
import { usersCollector } from '../../lib/collectors/users.js';
import { account, collectWith, dbCluster, sampleValue, tres, user } from './fixtures.js';

describe('slurmdb collectors', () => {
  it('accounts: info per account and the count', () => {
    const { families } = collectWith(accountsCollector, {
      accounts: [account(), account({ name: 'chem', coordinators: ['bob', 'carol'] })],
    });
    expect(sampleValue(families, 'slurm_accounts')).toBe(2);
    expect(sampleValue(families, 'slurm_account_coordinators', { account: 'chem' })).toBe(2);
    expect(sampleValue(families, 'slurm_account_info', { account: 'physics', organization: 'uni' })).toBe(1);
  });

  it('users: admin level and default account by user name', () => {
    const { families } = collectWith(usersCollector, {
      users: [
        user(),
        user({ name: 'root', adminLevel: 'Administrator', defaultAccount: 'root', accounts: [] }),
      ],
    });
    expect(sampleValue(families, 'slurm_users')).toBe(2);
    expect(sampleValue(families, 'slurm_user_info', { user: 'root', admin_level: 'Administrator' })).toBe(1);
    expect(sampleValue(families, 'slurm_user_accounts', { user: 'alice' })).toBe(1);
  });

  it('tres: type/name joined as Slurm prints it (upstream lost the name)', () => {
    const { families } = collectWith(tresCollector, {
      tres: [
        tres(),
        tres({ id: 1001, type: 'gres', name: 'gpu', count: 8 }),
        tres({ id: 5, type: 'billing', count: null }),
      ],
    });
    expect(sampleValue(families, 'slurm_tres_configured', { tres: 'cpu' })).toBe(64);
    expect(sampleValue(families, 'slurm_tres_configured', { tres: 'gres/gpu' })).toBe(8);
    expect(sampleValue(families, 'slurm_tres_configured', { tres: 'billing' })).toBeUndefined();
    expect(
      sampleValue(families, 'slurm_tres_info', { tres: 'gres/gpu', id: '1001', type: 'gres', name: 'gpu' }),
    ).toBe(1);
    expect(sampleValue(families, 'slurm_tres')).toBe(3);
  });

  it('clusters: real controller host/port and rpc version (upstream hard-coded localhost:6817)', () => {
    const { families } = collectWith(clustersCollector, {
      clusters: [dbCluster({ controllerHost: 'slurmctl.example', controllerPort: 7817, rpcVersion: 11008 })],
    });
    expect(
      sampleValue(families, 'slurm_slurmdb_cluster_info', {
        slurmdb_cluster: 'lab',
        controller_host: 'slurmctl.example',
        controller_port: '7817',
      }),
    ).toBe(1);
    expect(sampleValue(families, 'slurm_slurmdb_cluster_rpc_version', { slurmdb_cluster: 'lab' })).toBe(
      11008,
    );
    expect(sampleValue(families, 'slurm_slurmdb_cluster_tres', { slurmdb_cluster: 'lab', tres: 'cpu' })).toBe(
      32,
    );
  });
});
