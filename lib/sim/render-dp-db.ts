/**
 * Renders `/slurmdb/vX/*` bodies of the data_parser family (v0.0.40 – v0.0.45): accounts, users, associations,
 * qos, tres, clusters.
 */
import type { ApiVersion } from '../slurm/model.js';
import { compressHostlist } from './hostlist.js';
import {
  associationMax,
  clusterTres,
  type LimitCodec,
  qosLimits,
  type RenderedDoc,
  tresList,
} from './render-common.js';
import { dpEnvelope, mapIter, minorOf, num } from './render-dp.js';
import type { SimAssociation, SimCluster, SimQos } from './types.js';

const DP_CODEC: LimitCodec = { lim: num, tres: (m) => tresList(m, false) };

function assocShort(cluster: SimCluster, a: SimAssociation): Record<string, unknown> {
  return { account: a.account, cluster: cluster.name, partition: a.partition, user: a.user, id: a.id };
}

function association(cluster: SimCluster, a: SimAssociation, vn: number): Record<string, unknown> {
  return {
    accounting: [],
    account: a.account,
    cluster: cluster.name,
    comment: '',
    default: { qos: a.defaultQos },
    flags: [],
    max: associationMax(a, DP_CODEC),
    id:
      vn < 41
        ? { account: a.account, cluster: cluster.name, partition: a.partition, user: a.user, id: a.id }
        : a.id,
    is_default: a.user !== '',
    lineage: `/${a.parentAccount ? `${a.parentAccount}/` : ''}${a.account}/${a.user ? `${a.user}/` : ''}`,
    min: { priority_threshold: num(null) },
    parent_account: a.parentAccount,
    partition: a.partition,
    priority: num(null),
    qos: a.qos,
    shares_raw: a.sharesRaw,
    user: a.user,
  };
}

function qos(q: SimQos, vn: number): Record<string, unknown> {
  return {
    description: q.description,
    flags: q.flags,
    id: q.id,
    limits: qosLimits(q, DP_CODEC, vn >= 42),
    name: q.name,
    preempt: {
      list: [],
      mode: q.preemptMode.length > 0 ? q.preemptMode : ['DISABLED'],
      exempt_time: num(null),
    },
    priority: num(q.priority),
    usage_factor: num(q.usageFactor),
    usage_threshold: num(null),
  };
}

/** Renders one `/slurmdb/vX/<endpoint>` document of the data_parser family. */
export function renderDpDb(cluster: SimCluster, version: ApiVersion, endpoint: string): RenderedDoc | null {
  const vn = minorOf(version);
  const env = (payload: Record<string, unknown>): Record<string, unknown> =>
    dpEnvelope(cluster, version, true, payload);
  const byAccount = new Map<string, SimAssociation[]>();
  const byUser = new Map<string, SimAssociation[]>();
  for (const a of cluster.associations) {
    if (!a.user) continue;
    byAccount.set(a.account, [...(byAccount.get(a.account) ?? []), a]);
    byUser.set(a.user, [...(byUser.get(a.user) ?? []), a]);
  }
  switch (endpoint) {
    case 'accounts':
      return {
        doc: env({ accounts: [] }),
        listPath: ['accounts'],
        items: () =>
          mapIter(cluster.accounts, (a) => ({
            associations: (byAccount.get(a.name) ?? []).map((x) => assocShort(cluster, x)),
            coordinators: a.coordinators.map((name) => ({ name, direct: true })),
            description: a.description,
            name: a.name,
            organization: a.organization,
            flags: [],
          })),
      };
    case 'users':
      return {
        doc: env({ users: [] }),
        listPath: ['users'],
        items: () =>
          mapIter(cluster.users, (u) => ({
            administrator_level: [u.adminLevel],
            associations: (byUser.get(u.name) ?? []).map((x) => assocShort(cluster, x)),
            coordinators: [],
            default: { ...(vn >= 44 ? { qos: 1 } : {}), account: u.defaultAccount, wckey: '' },
            flags: [],
            name: u.name,
            old_name: '',
            wckeys: [],
          })),
      };
    case 'associations':
      return {
        doc: env({ associations: [] }),
        listPath: ['associations'],
        items: () => mapIter(cluster.associations, (a) => association(cluster, a, vn)),
      };
    case 'qos':
      return {
        doc: env({ qos: [] }),
        listPath: ['qos'],
        items: () => mapIter(cluster.qos, (q) => qos(q, vn)),
      };
    case 'tres':
      return {
        doc: env({ TRES: [] }),
        listPath: ['TRES'],
        items: () => mapIter(cluster.tres, (t) => ({ type: t.type, name: t.name, id: t.id, count: t.count })),
      };
    case 'clusters': {
      const root = cluster.associations.find((a) => a.account === 'root' && !a.user);
      return {
        doc: env({ clusters: [] }),
        listPath: ['clusters'],
        items: () => [
          {
            controller: { host: cluster.controllerHost, port: cluster.controllerPort },
            flags: [],
            name: cluster.name,
            nodes: compressHostlist(cluster.nodes.map((n) => n.name)),
            ...(vn < 45 ? { select_plugin: 'select/cons_tres' } : {}),
            associations: { root: root ? assocShort(cluster, root) : { user: '' } },
            rpc_version: 10_752,
            tres: clusterTres(cluster, false),
          },
        ],
      };
    }
    default:
      return null;
  }
}
