/**
 * Renders `/slurm/vX/*` bodies for the data_parser family (v0.0.40 – v0.0.45): NUMBER wrappers, state arrays,
 * `meta/errors/warnings` envelope. Per-version differences are gated on the minor number (`vn`, 40..45) following
 * protocols.md §1.5/§1.6 and the OpenAPI documents.
 */
import type { ApiVersion } from '../slurm/model.js';
import { compressHostlist } from './hostlist.js';
import {
  jobGresDetail,
  jobNodes,
  jobTres,
  legacyAllocatedNodes,
  nodeGres,
  nodeGresUsed,
  nodeTres,
  nodeTresUsed,
  RELEASE_OF,
  type RenderedDoc,
  releaseString,
} from './render-common.js';
import type { SimCluster, SimJob, SimNode, SimPartition } from './types.js';

export interface NumberWrapper {
  set: boolean;
  infinite: boolean;
  number: number;
}

/** NUMBER wrapper: null → unset (NO_VAL), Infinity → infinite. */
export function num(v: number | null): NumberWrapper {
  if (v === null) return { set: false, infinite: false, number: 0 };
  if (v === Number.POSITIVE_INFINITY) return { set: false, infinite: true, number: 0 };
  return { set: true, infinite: false, number: v };
}

export function minorOf(version: ApiVersion): number {
  return Number(version.slice('v0.0.'.length));
}

export function dpMeta(cluster: SimCluster, version: ApiVersion, db: boolean): Record<string, unknown> {
  const [major, minor, micro] = RELEASE_OF[version];
  return {
    plugin: {
      type: db ? 'openapi/slurmdbd' : 'openapi/slurmctld',
      name: db ? 'Slurm OpenAPI slurmdbd' : 'Slurm OpenAPI slurmctld',
      data_parser: `data_parser/${version}`,
      accounting_storage: 'accounting_storage/slurmdbd',
    },
    client: { source: '[127.0.0.1]:40000(fd:12)', user: 'slurm', group: 'slurm' },
    command: [],
    slurm: {
      version: { major: String(major), micro: String(micro), minor: String(minor).padStart(2, '0') },
      release: releaseString(version),
      cluster: cluster.name,
    },
  };
}

/** Envelope: payload keys first, then meta/errors/warnings (slurmrestd's order). */
export function dpEnvelope(
  cluster: SimCluster,
  version: ApiVersion,
  db: boolean,
  payload: Record<string, unknown>,
): Record<string, unknown> {
  return { ...payload, meta: dpMeta(cluster, version, db), errors: [], warnings: [] };
}

function node(n: SimNode, vn: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    architecture: n.arch,
    burstbuffer_network_address: '',
    boards: n.boards,
    boot_time: num(n.bootTime),
  };
  if (vn >= 43) {
    o.tls_cert_last_renewal = num(0);
    o.cert_flags = [];
  }
  Object.assign(o, {
    cluster_name: '',
    cores: n.coresPerSocket,
    specialized_cores: 0,
    cpu_binding: 0,
    cpu_load: n.cpuLoad ?? 0,
    free_mem: num(n.freeMemoryMiB),
    cpus: n.cpus,
    effective_cpus: n.cpus,
    specialized_cpus: '',
    energy: {
      average_watts: 0,
      base_consumed_energy: 0,
      consumed_energy: 0,
      current_watts: num(null),
      previous_consumed_energy: 0,
      last_collected: 0,
    },
    external_sensors: {},
    extra: '',
    power: {},
    features: n.features,
    active_features: n.features,
  });
  if (vn >= 41) o.gpu_spec = '';
  Object.assign(o, {
    gres: nodeGres(n),
    gres_drained: 'N/A',
    gres_used: nodeGresUsed(n),
    instance_id: '',
    instance_type: '',
    last_busy: num(n.lastBusy),
    mcs_label: '',
    specialized_memory: 0,
    name: n.name,
    next_state_after_reboot: ['INVALID'],
    address: n.address,
    hostname: n.name,
    state: [n.state, ...n.flags],
    operating_system: n.os,
    owner: '',
    partitions: n.partitions,
    port: n.port,
    real_memory: n.realMemoryMiB,
  });
  if (vn >= 41) o.res_cores_per_gpu = 0;
  Object.assign(o, {
    comment: '',
    reason: n.reason,
    reason_changed_at: num(n.reasonChangedAt),
    reason_set_by_user: n.reasonSetByUser,
    resume_after: num(0),
    reservation: n.reservation,
    alloc_memory: n.allocMemoryMiB,
    alloc_cpus: n.allocCpus,
    alloc_idle_cpus: n.cpus - n.allocCpus,
    tres_used: nodeTresUsed(n),
  });
  if (vn < 45) o.tres_weighted = n.allocCpus;
  o.slurmd_start_time = num(n.slurmdStartTime);
  if (vn >= 45) o.suspend_time = num(0);
  Object.assign(o, {
    sockets: n.sockets,
    threads: n.threads,
    temporary_disk: n.tmpDiskMiB,
    weight: n.weight,
  });
  if (vn >= 43) o.topology = '';
  o.tres = nodeTres(n);
  o.version = n.slurmdVersion;
  return o;
}

function exitCode(j: SimJob): Record<string, unknown> {
  const finished = j.endTime > 0 && j.state !== 'RUNNING' && j.state !== 'PENDING';
  const status = !finished
    ? ['PENDING']
    : j.signal > 0
      ? ['SIGNALED']
      : j.exitCode > 0
        ? ['ERROR']
        : ['SUCCESS'];
  return {
    status,
    return_code: finished ? num(j.exitCode) : num(null),
    signal: {
      id: j.signal > 0 ? num(j.signal) : num(null),
      name: j.signal === 15 ? 'TERM' : j.signal === 9 ? 'KILL' : '',
    },
  };
}

/** Per-node core map; the v0.0.41+ rewrite lists every core of the node with its status. */
function allocationV41(
  j: SimJob,
  nodes: ReadonlyMap<string, SimNode>,
  onlyAllocated: boolean,
): Record<string, unknown>[] {
  return j.allocations.map((a, index) => {
    const n = nodes.get(a.node);
    const sockets: Record<string, unknown>[] = [];
    const perSocket = n?.coresPerSocket ?? a.cores;
    for (let s = 0; s < (n?.sockets ?? 1); s++) {
      const cores: Record<string, unknown>[] = [];
      for (let c = 0; c < perSocket; c++) {
        const abs = s * perSocket + c;
        const used = abs >= a.firstCore && abs < a.firstCore + a.cores;
        if (onlyAllocated && !used) continue;
        cores.push({ index: c, status: [used ? 'ALLOCATED' : 'UNALLOCATED'] });
      }
      if (!onlyAllocated || cores.length > 0) sockets.push({ index: s, cores });
    }
    return {
      index,
      name: a.node,
      cpus: { count: a.cpus, used: 0 },
      memory: { used: 0, allocated: a.memoryMiB },
      sockets,
    };
  });
}

function jobResources(
  j: SimJob,
  vn: number,
  nodes: ReadonlyMap<string, SimNode>,
  onlyAllocated: boolean,
): Record<string, unknown> {
  const list = compressHostlist(jobNodes(j));
  if (vn <= 40) {
    return {
      nodes: list,
      allocated_cores: j.allocations.reduce((s, a) => s + a.cores, 0),
      allocated_cpus: j.allocations.reduce((s, a) => s + a.cpus, 0),
      allocated_hosts: j.allocations.length,
      allocated_nodes: legacyAllocatedNodes(j, nodes),
    };
  }
  return {
    select_type: vn >= 45 ? ['CR_CORE_MEMORY'] : ['CORE', 'MEMORY'],
    nodes: {
      count: j.allocations.length,
      select_type: ['ONE_ROW'],
      list,
      whole: false,
      allocation: allocationV41(j, nodes, onlyAllocated),
    },
    cpus: j.allocations.reduce((s, a) => s + a.cpus, 0),
    threads_per_core: num(null),
  };
}

function job(
  j: SimJob,
  vn: number,
  cluster: SimCluster,
  nodes: ReadonlyMap<string, SimNode>,
): Record<string, unknown> {
  const pending = j.state === 'PENDING';
  const started = j.startTime > 0;
  const nodeList = compressHostlist(jobNodes(j));
  const finished = !pending && j.state !== 'RUNNING';
  const o: Record<string, unknown> = {
    account: j.account,
    accrue_time: num(j.eligibleTime),
    admin_comment: '',
    allocating_node: 'login01',
    array_job_id: num(j.arrayJobId),
    array_task_id: num(j.arrayTaskId),
    array_max_tasks: num(0),
    array_task_string: j.arrayTaskString,
    association_id: j.associationId,
    batch_features: '',
    batch_flag: true,
    batch_host: j.allocations[0]?.node ?? '',
    flags: [
      'EXACT_TASK_COUNT_REQUESTED',
      ...(started ? ['JOB_WAS_RUNNING'] : []),
      'USING_DEFAULT_QOS',
      'USING_DEFAULT_WCKEY',
      ...(j.partitions.length > 1 ? [] : ['PARTITION_ASSIGNED']),
    ],
    burst_buffer: '',
    burst_buffer_state: '',
    cluster: cluster.name,
    cluster_features: '',
    command: j.command,
    comment: '',
    container: '',
    container_id: '',
  };
  if (vn >= 45) o.container_type = '';
  Object.assign(o, {
    contiguous: false,
    core_spec: 0,
    thread_spec: 32_766,
    cores_per_socket: num(null),
    billable_tres: num(started ? j.cpus : null),
    cpus_per_task: num(j.cpusPerTask),
    cpu_frequency_minimum: num(null),
    cpu_frequency_maximum: num(null),
    cpu_frequency_governor: num(null),
    cpus_per_tres: '',
    cron: '',
    deadline: num(0),
    delay_boot: num(0),
    dependency: j.dependency,
    derived_exit_code: exitCode({ ...j, exitCode: 0, signal: 0 }),
    eligible_time: num(j.eligibleTime),
    end_time: num(j.endTime),
    excluded_nodes: '',
    exit_code: exitCode(j),
    extra: '',
    failed_node: j.state === 'NODE_FAIL' ? (j.allocations[0]?.node ?? '') : '',
    features: '',
    federation_origin: '',
    federation_siblings_active: '',
    federation_siblings_viable: '',
    gres_detail: jobGresDetail(j, nodes),
    group_id: j.groupId,
    group_name: j.group,
    het_job_id: num(0),
    het_job_id_set: '',
    het_job_offset: num(0),
    job_id: j.jobId,
    // Real slurmrestd: `{}` for a job without resources, `null` from v0.0.44 (both violate the schema's required).
    job_resources: started
      ? jobResources(j, vn, nodes, cluster.jobResourceCores === 'allocated')
      : vn >= 44
        ? null
        : {},
    job_size_str: [],
    job_state: [j.state, ...j.flags],
    last_sched_evaluation: num(cluster.now - 30),
    licenses: j.licenses,
  });
  if (vn >= 43) o.licenses_allocated = started ? j.licenses : '';
  Object.assign(o, {
    mail_type: [],
    mail_user: j.user,
    max_cpus: num(0),
    max_nodes: num(0),
    mcs_label: '',
    memory_per_tres: '',
    name: j.name,
    network: '',
    nodes: nodeList,
    nice: 0,
    tasks_per_core: num(Number.POSITIVE_INFINITY),
    tasks_per_tres: num(0),
    tasks_per_node: num(0),
    tasks_per_socket: num(Number.POSITIVE_INFINITY),
    tasks_per_board: num(0),
    cpus: num(j.cpus),
    node_count: num(j.nodeCount),
    tasks: num(j.tasks),
    partition: j.partitions.join(','),
    prefer: '',
    memory_per_cpu: num(j.memoryPerCpuMiB),
    memory_per_node: num(j.memoryPerNodeMiB),
    minimum_cpus_per_node: num(1),
    minimum_tmp_disk_per_node: num(0),
    power: { flags: [] },
    preempt_time: num(0),
    preemptable_time: num(0),
    pre_sus_time: num(0),
    hold: j.reason === 'JobHeldUser' || j.reason === 'JobHeldAdmin',
    priority: num(j.priority),
  });
  if (vn >= 42) {
    o.priority_by_partition =
      pending && j.partitions.length > 1
        ? j.partitions.map((p, i) => ({ partition: p, priority: j.priority - i }))
        : [];
  }
  Object.assign(o, {
    profile: [],
    qos: j.qos,
    reboot: false,
    required_nodes: '',
  });
  if (vn < 42) o.minimum_switches = 0;
  else o.required_switches = 0;
  Object.assign(o, {
    requeue: true,
    resize_time: num(0),
    restart_cnt: j.flags.includes('REQUEUED') ? 1 : 0,
    resv_name: j.reservation,
    scheduled_nodes: '',
  });
  if (vn >= 43) o.segment_size = 0;
  o.selinux_context = '';
  o.shared = [];
  if (vn < 42) {
    o.exclusive = [];
    o.oversubscribe = true;
    o.show_flags = ['DETAIL', 'LOCAL'];
  }
  if (vn >= 44) {
    o.step_id = { sluid: '', job_id: num(j.jobId), step_het_component: num(null), step_id: 'batch' };
  }
  Object.assign(o, {
    sockets_per_board: 0,
    sockets_per_node: num(null),
    start_time: num(j.startTime),
    state_description: j.description,
    state_reason: j.reason,
    standard_input: '/dev/null',
    standard_output: j.stdout,
    standard_error: j.stderr,
  });
  if (vn >= 43) {
    const expand = (p: string): string => p.replaceAll('%j', String(j.jobId));
    o.stdin_expanded = '/dev/null';
    o.stdout_expanded = expand(j.stdout);
    o.stderr_expanded = expand(j.stderr);
  }
  o.submit_time = num(j.submitTime);
  if (vn >= 44) o.submit_line = `sbatch --job-name=${j.name} ${j.command}`;
  Object.assign(o, {
    suspend_time: num(0),
    system_comment: '',
    time_limit: num(j.timeLimitMin),
    time_minimum: num(0),
    threads_per_core: num(null),
    tres_bind: '',
    tres_freq: '',
    tres_per_job: '',
    tres_per_node: j.gpus > 0 ? `gres/gpu${j.gpuType ? `:${j.gpuType}` : ''}:${j.gpus}` : '',
    tres_per_socket: '',
    tres_per_task: '',
    tres_req_str: jobTres(j, false),
    tres_alloc_str: finished || started ? jobTres(j, true) : '',
    user_id: j.userId,
    user_name: j.user,
    maximum_switch_wait_time: 0,
    wckey: '',
    current_working_directory: j.workDir,
  });
  if (vn >= 45) {
    o.memory_update_delay = 0;
    o.memory_update_margin = 0;
  }
  return o;
}

function partition(p: SimPartition, vn: number): Record<string, unknown> {
  const o: Record<string, unknown> = {
    nodes: { allowed_allocation: '', configured: compressHostlist(p.nodes), total: p.nodes.length },
    accounts: { allowed: p.allowAccounts === 'ALL' ? '' : p.allowAccounts, deny: '' },
    groups: { allowed: '' },
    qos: { allowed: p.allowQos === 'ALL' ? '' : p.allowQos, deny: '', assigned: p.qos },
    alternate: '',
    tres: {
      billing_weights: '',
      configured: `cpu=${p.totalCpus},mem=${p.totalMemoryMiB}M,node=${p.nodes.length},billing=${p.totalCpus}${
        p.totalGpus > 0 ? `,gres/gpu=${p.totalGpus}` : ''
      }`,
    },
    cluster: '',
  };
  if (vn >= 41) o.select_type = [];
  o.cpus = { task_binding: vn >= 45 ? [] : 0, total: p.totalCpus };
  o.defaults = {
    memory_per_cpu: 0,
    partition_memory_per_cpu: num(null),
    partition_memory_per_node: num(null),
    time: num(p.defaultTimeMin),
    job: '',
  };
  if (vn >= 45) {
    o.flags = p.isDefault ? ['DEFAULT'] : [];
    o.partition = { exclusive: 'NO', oversubscribe: 'NO', state: [p.state] };
  }
  Object.assign(o, {
    grace_time: 0,
    maximums: {
      cpus_per_node: num(Number.POSITIVE_INFINITY),
      cpus_per_socket: num(Number.POSITIVE_INFINITY),
      memory_per_cpu: 0,
      partition_memory_per_cpu: num(null),
      partition_memory_per_node: num(null),
      nodes: num(p.maxNodes),
      shares: 1,
      oversubscribe: { jobs: 1, flags: [] },
      time: num(p.maxTimeMin),
      over_time_limit: num(null),
    },
    minimums: { nodes: p.minNodes },
    name: p.name,
    node_sets: '',
  });
  if (vn >= 45) o.preempt_mode = ['DISABLED'];
  o.priority = { job_factor: p.priorityJobFactor, tier: p.priorityTier };
  o.timeouts = { resume: num(null), suspend: num(null) };
  if (vn >= 43) o.topology = '';
  if (vn < 45) o.partition = { state: [p.state] };
  o.suspend_time = num(null);
  return o;
}

function diag(cluster: SimCluster, vn: number): Record<string, unknown> {
  const d = cluster.diag;
  const c = d.counters;
  const only41 = new Set(['schedule_cycle_sum', 'schedule_cycle_depth', 'bf_cycle_max', 'bf_table_size_sum']);
  const pick = (keys: string[]): Record<string, number> =>
    Object.fromEntries(keys.filter((k) => vn >= 41 || !only41.has(k)).map((k) => [k, c[k] ?? 0]));
  const avg = (total: number, count: number): number | NumberWrapper => {
    const v = count > 0 ? Math.round(total / count) : 0;
    return vn >= 41 ? num(v) : v;
  };
  const s: Record<string, unknown> = {};
  if (vn < 45) s.parts_packed = c.parts_packed ?? 1;
  Object.assign(s, {
    req_time: num(d.reqTime),
    req_time_start: num(d.reqTimeStart),
    ...pick([
      'server_thread_count',
      'agent_queue_size',
      'agent_count',
      'agent_thread_count',
      'dbd_agent_queue_size',
      'gettimeofday_latency',
      'schedule_cycle_max',
      'schedule_cycle_last',
      'schedule_cycle_sum',
      'schedule_cycle_total',
      'schedule_cycle_mean',
      'schedule_cycle_mean_depth',
      'schedule_cycle_per_minute',
      'schedule_cycle_depth',
    ]),
    schedule_exit: {
      end_job_queue: 10,
      default_queue_depth: 2,
      max_job_start: 0,
      max_rpc_cnt: 0,
      max_sched_time: 1,
      licenses: 0,
    },
    ...pick([
      'schedule_queue_length',
      'jobs_submitted',
      'jobs_started',
      'jobs_completed',
      'jobs_canceled',
      'jobs_failed',
      'jobs_pending',
      'jobs_running',
    ]),
    job_states_ts: num(d.jobStatesTs),
    ...pick([
      'bf_backfilled_jobs',
      'bf_last_backfilled_jobs',
      'bf_backfilled_het_jobs',
      'bf_cycle_counter',
      'bf_cycle_mean',
      'bf_depth_mean',
      'bf_depth_mean_try',
      'bf_cycle_sum',
      'bf_cycle_last',
      'bf_cycle_max',
    ]),
    bf_exit: {
      end_job_queue: 5,
      bf_max_job_start: 0,
      bf_max_job_test: 2,
      bf_max_time: 0,
      bf_node_space_size: 0,
      state_changed: 1,
    },
    ...pick([
      'bf_last_depth',
      'bf_last_depth_try',
      'bf_depth_sum',
      'bf_depth_try_sum',
      'bf_queue_len',
      'bf_queue_len_mean',
      'bf_queue_len_sum',
      'bf_table_size',
      'bf_table_size_sum',
      'bf_table_size_mean',
    ]),
    bf_when_last_cycle: num(d.bfWhenLastCycle),
    bf_active: d.bfActive,
    rpcs_by_message_type: d.rpcsByMessageType.map((r) => ({
      type_id: r.typeId,
      message_type: r.messageType,
      count: r.count,
      ...(vn >= 41 ? { queued: 0, dropped: 0, cycle_last: 0, cycle_max: 0 } : {}),
      total_time: r.totalTimeUs,
      average_time: avg(r.totalTimeUs, r.count),
    })),
    rpcs_by_user: d.rpcsByUser.map((r) => ({
      user_id: r.userId,
      user: r.user,
      count: r.count,
      total_time: r.totalTimeUs,
      average_time: avg(r.totalTimeUs, r.count),
    })),
  });
  if (vn >= 41) {
    s.pending_rpcs = [{ type_id: 6012, message_type: 'MESSAGE_EPILOG_COMPLETE', count: 1 }];
    s.pending_rpcs_by_hostlist = [
      {
        type_id: 6012,
        message_type: 'MESSAGE_EPILOG_COMPLETE',
        count: cluster.nodes.slice(0, 1).map((n) => n.name),
      },
    ];
  }
  return s;
}

function ping(c: SimCluster['controllers'][number], vn: number): Record<string, unknown> {
  const o: Record<string, unknown> = { hostname: c.hostname };
  if (vn < 45) o.pinged = c.responding ? 'UP' : 'DOWN';
  if (vn >= 42) o.responding = c.responding;
  o.latency = c.latencyUs;
  if (vn < 45) o.mode = c.mode;
  if (vn >= 42) o.primary = c.mode === 'primary';
  if (vn >= 45) o.status = c.responding ? 'UP' : 'DOWN';
  return o;
}

/** Renders one `/slurm/vX/<endpoint>` document of the data_parser family. */
export function renderDpSlurm(
  cluster: SimCluster,
  version: ApiVersion,
  endpoint: string,
): RenderedDoc | null {
  const vn = minorOf(version);
  const env = (payload: Record<string, unknown>): Record<string, unknown> =>
    dpEnvelope(cluster, version, false, payload);
  const lastUpdate = num(cluster.now);
  switch (endpoint) {
    case 'nodes':
      return {
        doc: env({ nodes: [], last_update: lastUpdate }),
        listPath: ['nodes'],
        items: () => mapIter(cluster.nodes, (n) => node(n, vn)),
      };
    case 'jobs': {
      const nodes = new Map(cluster.nodes.map((n) => [n.name, n]));
      return {
        doc: env({ jobs: [], last_backfill: num(cluster.lastBackfill), last_update: lastUpdate }),
        listPath: ['jobs'],
        items: () => mapIter(cluster.jobs, (j) => job(j, vn, cluster, nodes)),
      };
    }
    case 'partitions':
      return {
        doc: env({ partitions: [], last_update: lastUpdate }),
        listPath: ['partitions'],
        items: () => mapIter(cluster.partitions, (p) => partition(p, vn)),
      };
    case 'reservations':
      return {
        doc: env({ reservations: [], last_update: lastUpdate }),
        listPath: ['reservations'],
        items: () =>
          mapIter(cluster.reservations, (r) => ({
            accounts: r.accounts,
            burst_buffer: '',
            core_count: r.coreCount,
            core_specializations: [],
            end_time: num(r.endTime),
            features: '',
            flags: r.flags,
            groups: '',
            licenses: '',
            max_start_delay: 0,
            name: r.name,
            node_count: r.nodes.length,
            node_list: compressHostlist(r.nodes),
            partition: r.partition,
            purge_completed: { time: num(null) },
            start_time: num(r.startTime),
            ...(vn < 45 ? { watts: num(null) } : {}),
            tres: `cpu=${r.coreCount}`,
            users: r.users,
          })),
      };
    case 'licenses':
      return {
        doc: env({ licenses: [], last_update: lastUpdate }),
        listPath: ['licenses'],
        items: () =>
          mapIter(cluster.licenses, (l) => ({
            LicenseName: l.name,
            Total: l.total,
            Used: l.used,
            Free: l.total - l.used - l.reserved,
            Remote: l.remote,
            Reserved: l.reserved,
            LastConsumed: l.remote ? l.used : 0,
            LastDeficit: 0,
            LastUpdate: l.lastUpdate,
            ...(vn >= 44 ? { Nodes: '' } : {}),
          })),
      };
    case 'ping':
      return {
        doc: env({ pings: [] }),
        listPath: ['pings'],
        items: () => mapIter(cluster.controllers, (c) => ping(c, vn)),
      };
    case 'diag':
      return { doc: env({ statistics: diag(cluster, vn) }), listPath: null, items: () => [] };
    case 'shares':
      return {
        doc: env({
          shares: { shares: [], total_shares: cluster.shares.reduce((s, x) => s + x.rawShares, 0) },
        }),
        listPath: ['shares', 'shares'],
        items: () =>
          mapIter(cluster.shares, (s) => {
            const wrapped = vn >= 42;
            const f = (v: number): number | NumberWrapper => (wrapped ? num(v) : v);
            return {
              id: s.id,
              cluster: cluster.name,
              name: s.name,
              parent: s.parent,
              partition: s.partition,
              shares_normalized: num(s.normalizedShares),
              shares: num(s.rawShares),
              tres: { run_seconds: [], group_minutes: [], usage: [] },
              effective_usage: f(s.effectiveUsage),
              usage_normalized: num(s.normalizedUsage),
              usage: s.rawUsage,
              fairshare: { factor: f(s.fairshareFactor), level: f(s.fairshareLevel) },
              type: [s.type],
            };
          }),
      };
    default:
      return null;
  }
}

export function* mapIter<T, R>(items: readonly T[], f: (t: T) => R): Generator<R> {
  for (const t of items) yield f(t);
}
