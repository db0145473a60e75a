/**
 * Renders the legacy 22.05 shape (`openapi/v0.0.38`, `openapi/dbv0.0.38`): plain numbers with NO_VAL sentinels
 * or null, lower-case node `state` plus `state_flags`, a single-string `job_state`, `meta.plugin` + `meta.Slurm`.
 * Key sets follow the real 22.05 recordings (checked by the contract test).
 */
import { compressHostlist } from './hostlist.js';
import {
  associationMax,
  clusterTres,
  jobGresDetail,
  jobNodes,
  jobTres,
  type LimitCodec,
  legacyAllocatedNodes,
  nodeGres,
  nodeGresUsed,
  nodeTres,
  nodeTresUsed,
  qosLimits,
  RELEASE_OF,
  type RenderedDoc,
  releaseString,
  tresList,
} from './render-common.js';
import { mapIter } from './render-dp.js';
import type { SimAssociation, SimCluster, SimJob, SimNode, SimPartition } from './types.js';

const NO_VAL = 4_294_967_294;
const INFINITE = 4_294_967_295;

function meta(db: boolean): Record<string, unknown> {
  const [major, minor, micro] = RELEASE_OF['v0.0.38'];
  return {
    plugin: db
      ? { type: 'openapi/dbv0.0.38', name: 'Slurm OpenAPI DB v0.0.38' }
      : { type: 'openapi/v0.0.38', name: 'Slurm OpenAPI v0.0.38' },
    Slurm: { version: { major, micro, minor }, release: releaseString('v0.0.38') },
  };
}

/** unlimited → -1 (int32 fields of partitions), unset → null. */
function int32Limit(v: number | null): number | null {
  if (v === null) return null;
  return Number.isFinite(v) ? v : -1;
}

function node(n: SimNode): Record<string, unknown> {
  return {
    architecture: n.arch,
    burstbuffer_network_address: '',
    boards: n.boards,
    boot_time: n.bootTime,
    comment: '',
    cores: n.coresPerSocket,
    cpu_binding: 0,
    cpu_load: n.cpuLoad ?? NO_VAL,
    extra: '',
    free_memory: n.freeMemoryMiB ?? -2,
    cpus: n.cpus,
    last_busy: n.lastBusy,
    features: n.features.join(','),
    active_features: n.features.join(','),
    gres: nodeGres(n),
    gres_drained: 'N/A',
    gres_used: nodeGresUsed(n),
    mcs_label: '',
    name: n.name,
    next_state_after_reboot: 'invalid',
    address: n.address,
    hostname: n.name,
    state: n.state.toLowerCase(),
    state_flags: n.flags,
    next_state_after_reboot_flags: [],
    operating_system: n.os,
    owner: null,
    partitions: n.partitions,
    port: n.port,
    real_memory: n.realMemoryMiB,
    reason: n.reason,
    reason_changed_at: n.reasonChangedAt,
    reason_set_by_user: n.reasonSetByUser || null,
    slurmd_start_time: n.slurmdStartTime,
    sockets: n.sockets,
    threads: n.threads,
    temporary_disk: n.tmpDiskMiB,
    weight: n.weight,
    tres: nodeTres(n),
    slurmd_version: '22.05.8',
    alloc_memory: n.allocMemoryMiB,
    alloc_cpus: n.allocCpus,
    idle_cpus: n.cpus - n.allocCpus,
    tres_used: nodeTresUsed(n) || null,
    tres_weighted: n.allocCpus,
  };
}

function jobState(j: SimJob): string {
  if (j.flags.includes('COMPLETING')) return 'COMPLETING';
  if (j.flags.includes('REQUEUED')) return 'REQUEUED';
  return j.state;
}

function jobResources(j: SimJob, nodes: ReadonlyMap<string, SimNode>): Record<string, unknown> {
  if (j.allocations.length === 0) return {};
  return {
    nodes: compressHostlist(jobNodes(j)),
    allocated_cores: j.allocations.reduce((s, a) => s + a.cores, 0),
    allocated_hosts: j.allocations.length,
    allocated_nodes: legacyAllocatedNodes(j, nodes),
  };
}

function job(j: SimJob, cluster: SimCluster, nodes: ReadonlyMap<string, SimNode>): Record<string, unknown> {
  const started = j.startTime > 0;
  return {
    account: j.account,
    accrue_time: j.eligibleTime,
    admin_comment: '',
    array_job_id: j.arrayJobId,
    array_task_id: j.arrayTaskId,
    array_max_tasks: 0,
    array_task_string: j.arrayTaskString,
    association_id: j.associationId,
    batch_features: '',
    batch_flag: true,
    batch_host: j.allocations[0]?.node ?? '',
    flags: [],
    burst_buffer: '',
    burst_buffer_state: '',
    cluster: cluster.name,
    cluster_features: '',
    command: j.command,
    comment: '',
    container: '',
    contiguous: false,
    core_spec: null,
    thread_spec: null,
    cores_per_socket: null,
    billable_tres: started ? j.cpus : null,
    cpus_per_task: j.cpusPerTask,
    cpu_frequency_minimum: null,
    cpu_frequency_maximum: null,
    cpu_frequency_governor: null,
    cpus_per_tres: '',
    deadline: 0,
    delay_boot: 0,
    dependency: j.dependency,
    derived_exit_code: 0,
    eligible_time: j.eligibleTime,
    end_time: j.endTime,
    excluded_nodes: '',
    exit_code: (j.exitCode << 8) | j.signal,
    features: '',
    federation_origin: '',
    federation_siblings_active: '',
    federation_siblings_viable: '',
    gres_detail: jobGresDetail(j, nodes),
    group_id: j.groupId,
    group_name: j.group,
    job_id: j.jobId,
    job_resources: started ? jobResources(j, nodes) : {},
    job_state: jobState(j),
    last_sched_evaluation: cluster.now - 30,
    licenses: j.licenses,
    max_cpus: 0,
    max_nodes: 0,
    mcs_label: '',
    memory_per_tres: '',
    name: j.name,
    nodes: compressHostlist(jobNodes(j)),
    nice: null,
    tasks_per_core: null,
    tasks_per_node: 0,
    tasks_per_socket: null,
    tasks_per_board: 0,
    cpus: j.cpus,
    node_count: j.nodeCount,
    tasks: j.tasks,
    het_job_id: 0,
    het_job_id_set: '',
    het_job_offset: 0,
    partition: j.partitions.join(','),
    prefer: '',
    memory_per_node: j.memoryPerNodeMiB,
    memory_per_cpu: j.memoryPerCpuMiB,
    minimum_cpus_per_node: 1,
    minimum_tmp_disk_per_node: 0,
    preempt_time: 0,
    pre_sus_time: 0,
    priority: j.priority,
    profile: null,
    qos: j.qos,
    reboot: false,
    required_nodes: '',
    requeue: true,
    resize_time: 0,
    restart_cnt: j.flags.includes('REQUEUED') ? 1 : 0,
    resv_name: j.reservation,
    shared: null,
    show_flags: ['SHOW_ALL', 'SHOW_DETAIL', 'SHOW_LOCAL'],
    sockets_per_board: 0,
    sockets_per_node: null,
    start_time: j.startTime,
    state_description: j.description,
    state_reason: j.reason,
    standard_error: j.stderr,
    standard_input: '/dev/null',
    standard_output: j.stdout,
    submit_time: j.submitTime,
    suspend_time: 0,
    system_comment: '',
    time_limit: Number.isFinite(j.timeLimitMin) ? j.timeLimitMin : INFINITE,
    time_minimum: 0,
    threads_per_core: null,
    tres_bind: '',
    tres_freq: '',
    tres_per_job: '',
    tres_per_node: j.gpus > 0 ? `gres:gpu${j.gpuType ? `:${j.gpuType}` : ''}:${j.gpus}` : '',
    tres_per_socket: '',
    tres_per_task: '',
    tres_req_str: jobTres(j, false),
    tres_alloc_str: jobTres(j, true),
    user_id: j.userId,
    user_name: j.user,
    wckey: '',
    current_working_directory: j.workDir,
  };
}

function partition(p: SimPartition): Record<string, unknown> {
  return {
    flags: p.isDefault ? ['default'] : [],
    preemption_mode: ['disabled'],
    allowed_allocation_nodes: '',
    allowed_accounts: p.allowAccounts === 'ALL' ? '' : p.allowAccounts,
    allowed_groups: '',
    allowed_qos: p.allowQos === 'ALL' ? '' : p.allowQos,
    alternative: '',
    billing_weights: '',
    default_memory_per_cpu: null,
    default_memory_per_node: null,
    default_time_limit: int32Limit(p.defaultTimeMin),
    denied_accounts: '',
    denied_qos: '',
    preemption_grace_time: 0,
    maximum_cpus_per_node: -1,
    maximum_memory_per_cpu: null,
    maximum_memory_per_node: null,
    maximum_nodes_per_job: int32Limit(p.maxNodes),
    max_time_limit: int32Limit(p.maxTimeMin),
    'min nodes per job': p.minNodes,
    name: p.name,
    nodes: compressHostlist(p.nodes),
    over_time_limit: null,
    priority_job_factor: p.priorityJobFactor,
    priority_tier: p.priorityTier,
    qos: p.qos,
    state: p.state,
    total_cpus: p.totalCpus,
    total_nodes: p.nodes.length,
    tres: `cpu=${p.totalCpus},mem=${p.totalMemoryMiB}M,node=${p.nodes.length},billing=${p.totalCpus}`,
  };
}

function diag(cluster: SimCluster): Record<string, unknown> {
  const d = cluster.diag;
  const c = d.counters;
  const v = (k: string): number => c[k] ?? 0;
  const keys1 = [
    'parts_packed',
    'req_time',
    'req_time_start',
    'server_thread_count',
    'agent_queue_size',
    'agent_count',
    'agent_thread_count',
    'dbd_agent_queue_size',
    'gettimeofday_latency',
    'schedule_cycle_max',
    'schedule_cycle_last',
    'schedule_cycle_total',
    'schedule_cycle_mean',
    'schedule_cycle_mean_depth',
    'schedule_cycle_per_minute',
    'schedule_queue_length',
    'jobs_submitted',
    'jobs_started',
    'jobs_completed',
    'jobs_canceled',
    'jobs_failed',
    'jobs_pending',
    'jobs_running',
    'job_states_ts',
    'bf_backfilled_jobs',
    'bf_last_backfilled_jobs',
    'bf_backfilled_het_jobs',
    'bf_cycle_counter',
    'bf_cycle_mean',
    'bf_depth_mean',
    'bf_depth_mean_try',
    'bf_cycle_last',
    'bf_cycle_max',
    'bf_queue_len',
    'bf_queue_len_mean',
    'bf_table_size',
    'bf_table_size_mean',
    'bf_when_last_cycle',
  ];
  const special: Record<string, number> = {
    req_time: d.reqTime,
    req_time_start: d.reqTimeStart,
    job_states_ts: d.jobStatesTs,
    bf_when_last_cycle: d.bfWhenLastCycle,
  };
  const avg = (t: number, n: number): number => (n > 0 ? Math.round(t / n) : 0);
  return {
    rpcs_by_message_type: d.rpcsByMessageType.map((r) => ({
      message_type: r.messageType,
      type_id: r.typeId,
      count: r.count,
      average_time: avg(r.totalTimeUs, r.count),
      total_time: r.totalTimeUs,
    })),
    rpcs_by_user: d.rpcsByUser.map((r) => ({
      user: r.user,
      user_id: r.userId,
      count: r.count,
      average_time: avg(r.totalTimeUs, r.count),
      total_time: r.totalTimeUs,
    })),
    ...Object.fromEntries(keys1.map((k) => [k, special[k] ?? v(k)])),
    bf_active: d.bfActive,
  };
}

function assocShort(cluster: SimCluster, a: SimAssociation): Record<string, unknown> {
  return { account: a.account, cluster: cluster.name, partition: a.partition || null, user: a.user || null };
}

const nv = (v: number | null): number | null => (v === null ? null : Number.isFinite(v) ? v : null);
const V38_CODEC: LimitCodec = { lim: nv, tres: (m) => tresList(m, true) };

/** Renders one `/slurm/v0.0.38/<endpoint>` or `/slurmdb/v0.0.38/<endpoint>` document. */
export function renderV38(cluster: SimCluster, endpoint: string, db: boolean): RenderedDoc | null {
  const env = (key: string): Record<string, unknown> => ({ meta: meta(db), errors: [], [key]: [] });
  const list = (key: string, items: () => Iterable<unknown>): RenderedDoc => ({
    doc: env(key),
    listPath: [key],
    items,
  });
  if (!db) {
    switch (endpoint) {
      case 'nodes':
        return list('nodes', () => mapIter(cluster.nodes, node));
      case 'jobs': {
        const nodes = new Map(cluster.nodes.map((n) => [n.name, n]));
        return list('jobs', () => mapIter(cluster.jobs, (j) => job(j, cluster, nodes)));
      }
      case 'partitions':
        return list('partitions', () => mapIter(cluster.partitions, partition));
      case 'reservations':
        return list('reservations', () =>
          mapIter(cluster.reservations, (r) => ({
            flags: r.flags,
            accounts: r.accounts,
            burst_buffer: '',
            core_count: r.coreCount,
            core_spec_cnt: 0,
            end_time: r.endTime,
            features: '',
            groups: '',
            licenses: '',
            max_start_delay: 0,
            name: r.name,
            node_count: r.nodes.length,
            node_list: compressHostlist(r.nodes),
            partition: r.partition,
            start_time: r.startTime,
            watts: NO_VAL,
            tres: `cpu=${r.coreCount}`,
            users: r.users,
          })),
        );
      case 'licenses':
        return list('licenses', () =>
          mapIter(cluster.licenses, (l) => ({
            LicenseName: l.name,
            Total: l.total,
            Used: l.used,
            Free: l.total - l.used - l.reserved,
            Reserved: l.reserved,
            Remote: l.remote,
          })),
        );
      case 'ping':
        return list('pings', () =>
          mapIter(cluster.controllers, (c) => ({
            hostname: c.hostname,
            ping: c.responding ? 'UP' : 'DOWN',
            status: c.responding ? 0 : -1,
            mode: c.mode,
          })),
        );
      case 'diag':
        return {
          doc: { meta: meta(false), errors: [], statistics: diag(cluster) },
          listPath: null,
          items: () => [],
        };
      default:
        return null;
    }
  }
  switch (endpoint) {
    case 'accounts':
      return list('accounts', () =>
        mapIter(cluster.accounts, (a) => ({
          associations: cluster.associations
            .filter((x) => x.account === a.name)
            .map((x) => assocShort(cluster, x)),
          coordinators: a.coordinators.map((name) => ({ name, direct: true })),
          description: a.description,
          name: a.name,
          organization: a.organization,
          flags: [],
        })),
      );
    case 'users':
      return list('users', () =>
        mapIter(cluster.users, (u) => ({
          administrator_level: u.adminLevel,
          associations: u.accounts.map((acc) => ({
            account: acc,
            cluster: cluster.name,
            partition: null,
            user: u.name,
          })),
          coordinators: [],
          default: { account: u.defaultAccount, wckey: '' },
          flags: [],
          name: u.name,
        })),
      );
    case 'associations':
      return list('associations', () =>
        mapIter(cluster.associations, (a) => ({
          account: a.account,
          cluster: cluster.name,
          default: { qos: a.defaultQos || null },
          flags: [],
          max: associationMax(a, V38_CODEC),
          is_default: a.user ? 1 : 0,
          min: { priority_threshold: null },
          parent_account: a.parentAccount || null,
          partition: a.partition || null,
          priority: null,
          qos: a.qos,
          shares_raw: a.sharesRaw,
          usage: null,
          user: a.user || null,
        })),
      );
    case 'qos':
      return list('QOS', () =>
        mapIter(cluster.qos, (q) => ({
          description: q.description,
          flags: q.flags,
          id: q.id,
          limits: qosLimits(q, V38_CODEC, false),
          name: q.name,
          preempt: { list: [], mode: q.preemptMode.map((m) => m.toLowerCase()), exempt_time: null },
          priority: q.priority,
          usage_factor: q.usageFactor,
          usage_threshold: null,
        })),
      );
    case 'tres':
      return list('TRES', () =>
        mapIter(cluster.tres, (t) => ({ type: t.type, name: t.name || null, id: t.id, count: t.count })),
      );
    case 'clusters':
      return list('clusters', () => [
        {
          controller: { host: cluster.controllerHost, port: cluster.controllerPort },
          flags: [],
          name: cluster.name,
          nodes: compressHostlist(cluster.nodes.map((n) => n.name)),
          select_plugin: 'cons_tres',
          associations: { root: null },
          rpc_version: 9728,
          tres: clusterTres(cluster, true),
        },
      ]);
    default:
      return null;
  }
}
