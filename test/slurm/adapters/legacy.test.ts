/**
 * v0.0.36–38 adapters. Bodies are written here to describe the real 22.05 shapes (raw C sentinels, lower-case
 * node states, `state_flags` from v0.0.37, `"min nodes per job"` with spaces in v0.0.37/38 partitions).
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { getAdapter } from '../../../lib/slurm/adapters/index.js';
import {
  accountSchema,
  associationSchema,
  clusterSchema,
  controllerSchema,
  diagSchema,
  jobSchema,
  licenseSchema,
  nodeSchema,
  partitionSchema,
  qosSchema,
  reservationSchema,
  tresSchema,
  userSchema,
} from '../../../lib/slurm/model.js';

const MIB = 1024 * 1024;
const v36 = getAdapter('v0.0.36');
const v37 = getAdapter('v0.0.37');
const v38 = getAdapter('v0.0.38');

function legacyNode(over: Record<string, unknown> = {}) {
  return {
    architecture: 'x86_64',
    boot_time: 1700000000,
    cpu_load: 150,
    free_memory: 1500,
    cpus: 4,
    features: 'fast,ib',
    gres: '',
    gres_drained: 'N/A',
    gres_used: '',
    name: 'c1',
    address: '10.0.0.1',
    hostname: 'c1.example',
    state: 'idle',
    operating_system: 'Linux',
    real_memory: 4000,
    reason: '',
    reason_changed_at: 0,
    slurmd_version: '22.05.8',
    weight: 1,
    tres: 'cpu=4,mem=4000M,billing=4',
    ...over,
  };
}

function legacyJob(over: Record<string, unknown> = {}) {
  return {
    account: 'acct',
    array_job_id: 0,
    array_task_id: null,
    array_task_string: '',
    job_id: 7,
    job_state: 'RUNNING',
    state_reason: 'None',
    partition: 'batch',
    user_id: 1001,
    user_name: 'alice',
    group_name: 'users',
    qos: 'normal',
    cpus: 2,
    node_count: 1,
    nodes: 'c1',
    tres_req_str: 'cpu=2,mem=1G,node=1,billing=2',
    tres_alloc_str: 'cpu=2,mem=1G,node=1,billing=2',
    memory_per_node: null,
    memory_per_cpu: 512,
    priority: 4294901759,
    submit_time: 1700000000,
    eligible_time: 1700000001,
    start_time: 1700000002,
    end_time: 1700003602,
    time_limit: 60,
    exit_code: 0,
    name: 'job',
    ...over,
  };
}

describe('legacy nodes', () => {
  it('v0.0.36: upper-cases the lower-case state, no flags, no alloc_cpus', () => {
    const node = nodeSchema.parse(v36.item('nodes', legacyNode()));
    expect(node.state).toBe('IDLE');
    expect(node.flags).toEqual([]);
    expect(node.allocCpus).toBeNull();
    expect(node.allocMemoryBytes).toBeNull();
    expect(node.partitions).toEqual([]);
    expect(node.features).toEqual(['fast', 'ib']);
    expect(node.cpuLoad).toBeCloseTo(1.5);
    expect(node.realMemoryBytes).toBe(4000 * MIB);
    expect(node.freeMemoryBytes).toBe(1500 * MIB);
    expect(node.reasonChangedAt).toBeNull();
    expect(node.slurmdVersion).toBe('22.05.8');
  });

  it('v0.0.37: a drained idle node is IDLE + DRAIN', () => {
    const node = v37.item(
      'nodes',
      legacyNode({
        state: 'idle',
        state_flags: ['DRAIN'],
        reason: 'bad dimm',
        alloc_cpus: 0,
        alloc_memory: 0,
      }),
    );
    expect(node).toMatchObject({ state: 'IDLE', flags: ['DRAIN'], reason: 'bad dimm', allocCpus: 0 });
  });

  it('v0.0.38: down + not responding, unknown load/free memory sentinels are null', () => {
    const node = v38.item(
      'nodes',
      legacyNode({
        state: 'down',
        state_flags: ['NOT_RESPONDING'],
        cpu_load: 4294967294,
        free_memory: -2,
        boot_time: 0,
        partitions: ['batch'],
        alloc_cpus: 0,
      }),
    );
    expect(node).toMatchObject({
      state: 'DOWN',
      flags: ['NOT_RESPONDING'],
      cpuLoad: null,
      freeMemoryBytes: null,
      bootTime: null,
      partitions: ['batch'],
    });
  });

  it('parses GPU gres of a legacy node', () => {
    const node = v38.item(
      'nodes',
      legacyNode({ gres: 'gpu:a100:4(S:0-1)', gres_used: 'gpu:a100:3(IDX:0-2)' }),
    );
    expect(node?.gres).toEqual([{ name: 'gpu', type: 'a100', total: 4, allocated: 3 }]);
  });

  it('keeps unknown state values and flags', () => {
    const node = v38.item('nodes', legacyNode({ state: 'planned_new', state_flags: ['SOMETHING_NEW'] }));
    expect(node).toMatchObject({ state: 'PLANNED_NEW', flags: ['SOMETHING_NEW'] });
  });

  it('rejects a wrong shape with a ZodError naming the field', () => {
    try {
      v38.item('nodes', legacyNode({ cpus: 'four' }));
      expect.unreachable('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(z.ZodError);
      expect((e as z.ZodError).issues[0]?.path).toEqual(['cpus']);
    }
  });
});

describe('legacy jobs', () => {
  it('maps a running job', () => {
    const job = jobSchema.parse(v38.item('jobs', legacyJob()));
    expect(job).toMatchObject({
      id: '7',
      jobId: 7,
      arrayJobId: null,
      state: 'RUNNING',
      flags: [],
      user: 'alice',
      group: 'users',
      partitions: ['batch'],
      cpus: 2,
      nodeCount: 1,
      memoryBytes: 1024 * MIB,
      gpus: 0,
      timeLimitSeconds: 3600,
      exitCode: 0,
      priority: 4294901759,
    });
  });

  it('v0.0.36 has no user name: the uid is shown as uid:<n>', () => {
    const job = v36.item('jobs', legacyJob({ user_name: '', group_name: undefined }));
    expect(job?.user).toBe('uid:1001');
    expect(job?.group).toBe('');
  });

  it('names array tasks and the pending rest of an array as squeue does', () => {
    const task = v37.item('jobs', legacyJob({ job_id: 15, array_job_id: 12, array_task_id: 1 }));
    expect(task).toMatchObject({ id: '12_1', jobId: 15, arrayJobId: 12, arrayTaskId: 1 });
    const rest = v37.item(
      'jobs',
      legacyJob({
        job_id: 12,
        array_job_id: 12,
        array_task_id: null,
        array_task_string: '3-4',
        job_state: 'PENDING',
      }),
    );
    expect(rest).toMatchObject({ id: '12_[3-4]', arrayJobId: 12, arrayTaskId: null });
  });

  it('a pending multi-partition job lists every partition and uses requested TRES', () => {
    const job = v38.item(
      'jobs',
      legacyJob({
        job_state: 'PENDING',
        state_reason: 'Resources',
        partition: 'debug,batch',
        tres_alloc_str: '',
        tres_req_str: 'cpu=8,mem=2T,node=2,billing=8,gres/gpu=4',
        start_time: 0,
      }),
    );
    expect(job).toMatchObject({
      state: 'PENDING',
      reason: 'Resources',
      partitions: ['debug', 'batch'],
      memoryBytes: 2 * 1024 ** 4,
      gpus: 4,
      startTime: null,
    });
  });

  it('falls back to memory_per_node × nodes and memory_per_cpu × cpus', () => {
    const perNode = v38.item(
      'jobs',
      legacyJob({
        tres_alloc_str: '',
        tres_req_str: 'cpu=2',
        memory_per_node: 2_000_000,
        memory_per_cpu: null,
        node_count: 2,
      }),
    );
    expect(perNode?.memoryBytes).toBe(2 * 2_000_000 * MIB);
    const perCpu = v38.item(
      'jobs',
      legacyJob({ tres_alloc_str: '', tres_req_str: '', memory_per_cpu: 100, cpus: 3 }),
    );
    expect(perCpu?.memoryBytes).toBe(300 * MIB);
    const none = v38.item('jobs', legacyJob({ tres_alloc_str: '', tres_req_str: '', memory_per_cpu: null }));
    expect(none?.memoryBytes).toBeNull();
  });

  it('decodes the raw wait status and unlimited/unset time limits', () => {
    expect(v36.item('jobs', legacyJob({ job_state: 'FAILED', exit_code: 768 }))?.exitCode).toBe(3);
    // Killed by SIGTERM (wait status 15): no exit code.
    expect(v37.item('jobs', legacyJob({ job_state: 'TIMEOUT', exit_code: 15 }))?.exitCode).toBeNull();
    expect(v38.item('jobs', legacyJob({ time_limit: 4294967295 }))?.timeLimitSeconds).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(v38.item('jobs', legacyJob({ time_limit: 4294967294 }))?.timeLimitSeconds).toBeNull();
  });

  it('keeps an unknown job state as the state', () => {
    expect(v38.item('jobs', legacyJob({ job_state: 'RESV_DEL_HOLD' }))?.state).toBe('RESV_DEL_HOLD');
  });

  it('rejects a job without a numeric job_id', () => {
    expect(() => v38.item('jobs', legacyJob({ job_id: '7' }))).toThrow(z.ZodError);
  });
});

describe('legacy partitions', () => {
  const base = {
    flags: ['default'],
    name: 'debug',
    nodes: 'n[1-2]',
    max_time_limit: 60,
    default_time_limit: 10,
    maximum_nodes_per_job: -1,
    priority_job_factor: 1,
    priority_tier: 2,
    qos: 'part_qos',
    allowed_accounts: 'a,b',
    allowed_qos: 'ALL',
    total_cpus: 4,
    total_nodes: 2,
  };

  it('v0.0.38: reads the key with spaces, default flag and unlimited max nodes', () => {
    const p = partitionSchema.parse(v38.item('partitions', { ...base, state: 'UP', 'min nodes per job': 1 }));
    expect(p).toMatchObject({
      name: 'debug',
      state: 'UP',
      nodeList: 'n[1-2]',
      totalNodes: 2,
      totalCpus: 4,
      isDefault: true,
      maxTimeSeconds: 3600,
      defaultTimeSeconds: 600,
      maxNodes: Number.POSITIVE_INFINITY,
      minNodes: 1,
      priorityTier: 2,
      qos: 'part_qos',
      allowAccounts: 'a,b',
      allowQos: 'ALL',
    });
  });

  it('v0.0.36: no state, min_nodes_per_job, UNLIMITED time as INFINITE', () => {
    const p = v36.item('partitions', {
      ...base,
      flags: [],
      min_nodes_per_job: 0,
      max_time_limit: 4294967295,
    });
    expect(p).toMatchObject({
      state: '',
      isDefault: false,
      minNodes: 0,
      maxTimeSeconds: Number.POSITIVE_INFINITY,
    });
  });
});

describe('legacy ping, diag, reservations, licenses', () => {
  it('ping: `ping: UP` means responding, latency unknown', () => {
    const c = controllerSchema.parse(
      v36.item('ping', { hostname: 'ctl', ping: 'UP', status: 0, mode: 'primary' }),
    );
    expect(c).toEqual({ hostname: 'ctl', mode: 'primary', responding: true, latencySeconds: null });
    expect(v37.item('ping', { hostname: 'ctl2', ping: 'DOWN', status: -1, mode: 'backup' })?.responding).toBe(
      false,
    );
  });

  it('diag: counters and rpc statistics in microseconds', () => {
    const d = diagSchema.parse(
      v38.diag({
        meta: {},
        errors: [],
        statistics: {
          rpcs_by_message_type: [
            { message_type: 'REQUEST_PING', type_id: 1008, count: 8, average_time: 352, total_time: 2823 },
          ],
          rpcs_by_user: [{ user: 'root', user_id: 0, count: 67, average_time: 700, total_time: 46960 }],
          req_time: 1700000100,
          req_time_start: 1700000000,
          server_thread_count: 3,
          schedule_cycle_max: 11988,
          jobs_running: 5,
          bf_active: false,
          bf_when_last_cycle: 1700000050,
        },
      }),
    );
    expect(d).toMatchObject({
      reqTime: 1700000100,
      serverThreadCount: 3,
      scheduleCycleMax: 11988,
      jobsRunning: 5,
      bfActive: false,
      bfWhenLastCycle: 1700000050,
      bfTableSize: null,
      rpcsByMessageType: [{ key: 'REQUEST_PING', count: 8, totalTimeUs: 2823, averageTimeUs: 352 }],
      rpcsByUser: [{ key: 'root', count: 67, totalTimeUs: 46960, averageTimeUs: 700 }],
    });
  });

  it('diag without statistics is a ZodError on `statistics`', () => {
    try {
      v36.diag({ meta: {}, errors: [] });
      expect.unreachable('should throw');
    } catch (e) {
      expect((e as z.ZodError).issues[0]?.path).toEqual(['statistics']);
    }
  });

  it('reservations (v0.0.37) and licenses (v0.0.38)', () => {
    const r = reservationSchema.parse(
      v37.item('reservations', {
        flags: ['MAINT', 'SPEC_NODES'],
        accounts: '',
        core_count: 12,
        end_time: 1700003600,
        name: 'maint',
        node_count: 6,
        node_list: 'n[1-6]',
        partition: '',
        start_time: 1700000000,
        watts: 4294967294,
        users: 'root',
      }),
    );
    expect(r).toMatchObject({
      name: 'maint',
      nodeCount: 6,
      coreCount: 12,
      flags: ['MAINT', 'SPEC_NODES'],
      users: 'root',
    });
    const l = licenseSchema.parse(
      v38.item('licenses', { LicenseName: 'matlab', Total: 4, Used: 2, Free: 2, Reserved: 0, Remote: false }),
    );
    expect(l).toEqual({ name: 'matlab', total: 4, used: 2, free: 2, reserved: 0, remote: false });
  });
});

describe('legacy slurmdb', () => {
  it('accounts and users', () => {
    const a = accountSchema.parse(
      v36.item('accounts', {
        associations: [{ account: 'lab', cluster: 'c', partition: null, user: null }],
        coordinators: [{ name: 'bob', direct: true }],
        description: 'lab account',
        name: 'lab',
        organization: 'org',
        flags: [],
      }),
    );
    expect(a).toEqual({
      name: 'lab',
      description: 'lab account',
      organization: 'org',
      coordinators: ['bob'],
      flags: [],
    });
    const u = userSchema.parse(
      v38.item('users', {
        administrator_level: 'Administrator',
        associations: [
          { account: 'physics', cluster: 'c', partition: null, user: 'alice' },
          { account: 'lab', cluster: 'c', partition: null, user: 'alice' },
          { account: 'lab', cluster: 'c', partition: 'gpu', user: 'alice' },
        ],
        coordinators: [],
        default: { account: 'lab', wckey: '' },
        name: 'alice',
      }),
    );
    expect(u).toEqual({
      name: 'alice',
      defaultAccount: 'lab',
      adminLevel: 'Administrator',
      accounts: ['physics', 'lab'],
    });
  });

  it('associations: nulls stay null, limits and TRES maps convert units', () => {
    const a = associationSchema.parse(
      v38.item('associations', {
        account: 'lab',
        cluster: 'c',
        default: { qos: null },
        flags: [],
        max: {
          jobs: {
            per: { count: 10, accruing: null, submitted: 20, wall_clock: 120 },
            active: 4,
            accruing: null,
            total: 8,
          },
          tres: {
            total: [{ type: 'cpu', name: null, id: 1, count: 100 }],
            per: {
              job: [
                { type: 'mem', name: null, id: 2, count: 2048 },
                { type: 'gres', name: 'gpu', id: 1001, count: 2 },
              ],
              node: [],
            },
          },
          per: { account: { wall_clock: null } },
        },
        parent_account: null,
        partition: null,
        priority: null,
        qos: ['normal', 'high'],
        shares_raw: 1,
        user: 'alice',
      }),
    );
    expect(a).toEqual({
      cluster: 'c',
      account: 'lab',
      user: 'alice',
      partition: '',
      parentAccount: '',
      qos: ['normal', 'high'],
      defaultQos: '',
      sharesRaw: 1,
      priority: null,
      maxJobs: 4,
      maxSubmitJobs: 8,
      maxWallSecondsPerJob: 7200,
      grpJobs: 10,
      grpSubmitJobs: 20,
      grpWallSeconds: null,
      maxTresPerJob: { mem: 2048 * MIB, 'gres/gpu': 2 },
      grpTres: { cpu: 100 },
    });
  });

  it('qos limits per user/account/job and grp', () => {
    const q = qosSchema.parse(
      v38.item('qos', {
        description: 'high',
        flags: ['DENY_LIMIT'],
        id: 2,
        limits: {
          grace_time: 0,
          max: {
            active_jobs: { accruing: null, count: 50 },
            tres: {
              total: [],
              per: { account: [], job: [{ type: 'cpu', name: null, count: 16 }], node: [], user: [] },
            },
            wall_clock: { per: { qos: null, job: 120 } },
            jobs: { active_jobs: { per: { account: null, user: 5 } }, per: { account: 40, user: 10 } },
          },
          min: { priority_threshold: null, tres: { per: { job: [] } } },
        },
        name: 'high',
        preempt: { list: [], mode: ['requeue'], exempt_time: null },
        priority: 100,
        usage_factor: 1.0,
        usage_threshold: null,
      }),
    );
    expect(q).toMatchObject({
      name: 'high',
      priority: 100,
      usageFactor: 1,
      usageThreshold: null,
      preemptMode: ['REQUEUE'],
      flags: ['DENY_LIMIT'],
      maxJobsPerUser: 5,
      maxJobsPerAccount: null,
      maxSubmitJobsPerUser: 10,
      maxSubmitJobsPerAccount: 40,
      grpJobs: 50,
      maxWallSecondsPerJob: 7200,
      grpWallSeconds: null,
      maxTresPerJob: { cpu: 16 },
    });
  });

  it('tres and clusters', () => {
    expect(tresSchema.parse(v36.item('tres', { type: 'fs', name: 'disk', id: 6, count: 0 }))).toEqual({
      id: 6,
      type: 'fs',
      name: 'disk',
      count: 0,
    });
    const c = clusterSchema.parse(
      v37.item('clusters', {
        controller: { host: '127.0.0.1', port: 6817 },
        flags: ['MULTIPLE_SLURMD'],
        name: 'lab',
        nodes: 'n[1-6]',
        select_plugin: 'cons_tres',
        associations: { root: null },
        rpc_version: 9728,
        tres: [
          { type: 'cpu', name: null, id: 1, count: 12 },
          { type: 'mem', name: null, id: 2, count: 12000 },
        ],
      }),
    );
    expect(c).toEqual({
      name: 'lab',
      controllerHost: '127.0.0.1',
      controllerPort: 6817,
      rpcVersion: 9728,
      nodes: 'n[1-6]',
      selectPlugin: 'cons_tres',
      flags: ['MULTIPLE_SLURMD'],
      tres: { cpu: 12, mem: 12000 * MIB },
    });
  });
});
