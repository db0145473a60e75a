/** Every collector by name; the runner receives the enabled ones. */
import { accountsCollector } from './accounts.js';
import { associationsCollector } from './associations.js';
import { clusterCollector } from './cluster.js';
import { clustersCollector } from './clusters.js';
import { controllersCollector } from './controllers.js';
import { jobsCollector } from './jobs.js';
import { licensesCollector } from './licenses.js';
import { nodesCollector } from './nodes.js';
import { partitionsCollector } from './partitions.js';
import { qosCollector } from './qos.js';
import { reservationsCollector } from './reservations.js';
import { schedulerCollector } from './scheduler.js';
import { sharesCollector } from './shares.js';
import { tresCollector } from './tres.js';
import type { Collector } from './types.js';
import { usersCollector } from './users.js';

export const COLLECTORS = {
  cluster: clusterCollector,
  nodes: nodesCollector,
  partitions: partitionsCollector,
  jobs: jobsCollector,
  scheduler: schedulerCollector,
  reservations: reservationsCollector,
  licenses: licensesCollector,
  controllers: controllersCollector,
  shares: sharesCollector,
  accounts: accountsCollector,
  users: usersCollector,
  associations: associationsCollector,
  qos: qosCollector,
  tres: tresCollector,
  clusters: clustersCollector,
} as const satisfies Record<string, Collector>;

export type CollectorName = keyof typeof COLLECTORS;
export const COLLECTOR_NAMES = Object.keys(COLLECTORS) as CollectorName[];
