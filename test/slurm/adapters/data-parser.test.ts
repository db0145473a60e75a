/**
 * v0.0.39–45 adapters. Bodies are written here to describe the data_parser shapes: NUMBER wrappers
 * `{set, infinite, number}`, state arrays, nested partitions, `shares.shares` rows, exit-code objects.
 */
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { getAdapter } from '../../../lib/slurm/adapters/index.js';
import {
  associationSchema,
  diagSchema,
  jobSchema,
  nodeSchema,
  partitionSchema,
  qosSchema,
  shareSchema,
  userSchema,
} from '../../../lib/slurm/model.js';

const MIB = 1024 * 1024;
const n = (number: number) => ({ set: true, infinite: false, number });
const unset = { set: false, infinite: false, number: 0 };
const unlimited = { set: false, infinite: true, number: 0 };

function dpNode(over: Record<string, unknown> = {}) {
  return {
    architecture: 'x86_64',
    boot_time: n(1700000000),
    cpu_load: 50,
    free_mem: n(1637),
    cpus: 64,
    features: [],
    active_features: [],
    gres: '',
    gres_drained: 'N/A',
    gres_used: 'gpu:0',
    last_busy: n(1700000500),
    name: 'cn1',
    address: 'cn1',
    hostname: 'cn1',
    state: ['IDLE'],
    operating_system: 'Linux',
    partitions: ['standard'],
    real_memory: 131072,
    reason: '',
    reason_changed_at: n(0),
    reservation: '',
    alloc_memory: 0,
    alloc_cpus: 0,
    tres: 'cpu=64,mem=128G,billing=64',
    tres_used: '',
    weight: 1,
    version: '25.11.0',
    energy: { current_watts: n(0) },
    power: {},
    ...over,
  };
}

function dpJob(over: Record<string, unknown> = {}) {
  return {
    account: 'bio',
    array_job_id: n(0),
    array_task_id: unset,
    array_task_string: '',
    job_id: 776,
    job_state: ['RUNNING'],
    state_reason: 'None',
    partition: 'standard',
    user_name: 'emendoza',
    user_id: 10001,
    group_name: 'scientists',
    qos: 'normal',
    cpus: n(32),
    node_count: n(1),
    nodes: 'cn1',
    tres_req_str: 'cpu=32,mem=16G,node=1,billing=32',
    tres_alloc_str: 'cpu=32,mem=16G,node=1,billing=32',
    memory_per_node: unset,
    memory_per_cpu: n(512),
    priority: n(1),
    submit_time: n(1700000000),
    eligible_time: n(1700000000),
    start_time: n(1700000010),
    end_time: n(1700000130),
    time_limit: n(2),
    exit_code: { status: ['SUCCESS'], return_code: n(0), signal: { id: unset, name: '' } },
    name: 'wrap',
    flags: ['EXACT_TASK_COUNT_REQUESTED'],
    job_resources: { nodes: { count: 1, list: 'cn1' } },
    ...over,
  };
}

function dpPartition(over: Record<string, unknown> = {}) {
  return {
    nodes: { allowed_allocation: '', configured: 'cn[1-4]', total: 4 },
    accounts: { allowed: '', deny: '' },
    qos: { allowed: '', deny: '', assigned: '' },
    tres: { billing_weights: '', configured: 'cpu=256,mem=512G,node=4,billing=256' },
    cpus: { task_binding: 0, total: 256 },
    // MEM_PER_CPU flag bit set (raw int64 as 25.11 prints it; precision is lost in a double anyway).
    defaults: { memory_per_cpu: -(2 ** 63) + 512, time: unset },
    maximums: { nodes: unlimited, time: unlimited, cpus_per_node: unlimited },
    minimums: { nodes: 0 },
    name: 'normal',
    priority: { job_factor: 1, tier: 1 },
    partition: { state: ['UP'] },
    ...over,
  };
}

describe('data_parser nodes', () => {
  const v40 = getAdapter('v0.0.40');

  it('maps wrapped numbers and units', () => {
    const node = nodeSchema.parse(v40.item('nodes', dpNode()));
    expect(node).toMatchObject({
      name: 'cn1',
      state: 'IDLE',
      flags: [],
      cpus: 64,
      allocCpus: 0,
      cpuLoad: 0.5,
      realMemoryBytes: 131072 * MIB,
      freeMemoryBytes: 1637 * MIB,
      bootTime: 1700000000,
      lastBusy: 1700000500,
      reasonChangedAt: null,
      slurmdVersion: '25.11.0',
      gres: [],
      partitions: ['standard'],
    });
  });

  it('drained idle = IDLE + DRAIN, down not responding, flag first in the array', () => {
    expect(v40.item('nodes', dpNode({ state: ['IDLE', 'DRAIN'] }))).toMatchObject({
      state: 'IDLE',
      flags: ['DRAIN'],
    });
    expect(
      getAdapter('v0.0.44').item('nodes', dpNode({ state: ['DOWN', 'NOT_RESPONDING'], free_mem: unset })),
    ).toMatchObject({
      state: 'DOWN',
      flags: ['NOT_RESPONDING'],
      freeMemoryBytes: null,
    });
    expect(v40.item('nodes', dpNode({ state: ['DRAIN', 'MIXED'] }))).toMatchObject({
      state: 'MIXED',
      flags: ['DRAIN'],
    });
  });

  it('unknown state values do not break parsing', () => {
    expect(
      getAdapter('v0.0.45').item('nodes', dpNode({ state: ['EXTERNAL', 'POWER_DOWN_ASAP'] })),
    ).toMatchObject({
      state: 'EXTERNAL',
      flags: ['POWER_DOWN_ASAP'],
    });
    expect(v40.item('nodes', dpNode({ state: ['BRAND_NEW'] }))?.state).toBe('BRAND_NEW');
  });

  it('GPU gres by type, with used counts and MIG names', () => {
    const node = getAdapter('v0.0.42').item(
      'nodes',
      dpNode({ gres: 'gpu:1g.10gb:21(S:1)', gres_used: 'gpu:1g.10gb:9(IDX:0-3,5-9)' }),
    );
    expect(node?.gres).toEqual([{ name: 'gpu', type: '1g.10gb', total: 21, allocated: 9 }]);
  });

  it('missing optional fields give null/empty, not invented zeros', () => {
    const node = getAdapter('v0.0.43').item('nodes', {
      name: 'bare',
      cpus: 8,
      real_memory: 1024,
      state: ['IDLE'],
    });
    expect(nodeSchema.parse(node)).toMatchObject({
      hostname: '',
      allocCpus: null,
      cpuLoad: null,
      freeMemoryBytes: null,
      allocMemoryBytes: null,
      weight: null,
      partitions: [],
      reservation: '',
    });
  });

  it('a wrapped number of the wrong type is a ZodError with the field path', () => {
    try {
      v40.item('nodes', dpNode({ boot_time: { set: 'yes', number: 1 } }));
      expect.unreachable('should throw');
    } catch (e) {
      expect(e).toBeInstanceOf(z.ZodError);
      expect((e as z.ZodError).issues[0]?.path[0]).toBe('boot_time');
    }
  });
});

describe('data_parser jobs', () => {
  const v41 = getAdapter('v0.0.41');

  it('maps a running job', () => {
    const job = jobSchema.parse(v41.item('jobs', dpJob()));
    expect(job).toMatchObject({
      id: '776',
      state: 'RUNNING',
      cpus: 32,
      nodeCount: 1,
      memoryBytes: 16 * 1024 ** 3,
      gpus: 0,
      timeLimitSeconds: 120,
      exitCode: 0,
      startTime: 1700000010,
      arrayJobId: null,
    });
  });

  it('array task and pending array remainder', () => {
    const task = v41.item(
      'jobs',
      dpJob({ job_id: 7745162, array_job_id: n(7725337), array_task_id: n(411) }),
    );
    expect(task?.id).toBe('7725337_411');
    const rest = v41.item(
      'jobs',
      dpJob({
        job_id: 7725337,
        array_job_id: n(7725337),
        array_task_id: unset,
        array_task_string: '412-9999',
        job_state: ['PENDING'],
        tres_alloc_str: '',
      }),
    );
    expect(rest).toMatchObject({ id: '7725337_[412-9999]', arrayTaskId: null, state: 'PENDING' });
  });

  it('pending multi-partition GPU job uses requested TRES; unlimited time', () => {
    const job = getAdapter('v0.0.44').item(
      'jobs',
      dpJob({
        job_state: ['PENDING'],
        state_reason: 'Priority',
        partition: 'gpu,gpu-long',
        tres_alloc_str: '',
        tres_req_str: 'cpu=4,mem=1.50T,node=1,billing=4,gres/gpu=2,gres/gpu:h100=2',
        time_limit: unlimited,
        start_time: n(0),
      }),
    );
    expect(job).toMatchObject({
      partitions: ['gpu', 'gpu-long'],
      gpus: 2,
      memoryBytes: 1.5 * 1024 ** 4,
      timeLimitSeconds: Number.POSITIVE_INFINITY,
      startTime: null,
    });
  });

  it('flags after the base state, signalled exit has no return code', () => {
    const job = v41.item(
      'jobs',
      dpJob({
        job_state: ['COMPLETED', 'REQUEUED'],
        exit_code: { status: ['SIGNALED'], return_code: unset, signal: { id: n(15), name: 'TERM' } },
      }),
    );
    expect(job).toMatchObject({ state: 'COMPLETED', flags: ['REQUEUED'], exitCode: null });
  });

  it('GPUs from tres_per_node when TRES strings lack them', () => {
    const job = v41.item(
      'jobs',
      dpJob({ tres_alloc_str: 'cpu=2,node=2', tres_per_node: 'gres/gpu:a100:2', node_count: n(2) }),
    );
    expect(job?.gpus).toBe(4);
  });

  it('heterogeneous job components are shown as <het_job_id>+<offset>', () => {
    const job = v41.item('jobs', dpJob({ job_id: 21, het_job_id: n(20), het_job_offset: n(1) }));
    expect(job?.id).toBe('20+1');
    expect(v41.item('jobs', dpJob({ het_job_id: n(0), het_job_offset: n(0) }))?.id).toBe('776');
  });

  it('v0.0.39 plain string state is accepted', () => {
    expect(getAdapter('v0.0.39').item('jobs', dpJob({ job_state: 'RUNNING' }))?.state).toBe('RUNNING');
  });
});

describe('data_parser partitions', () => {
  it('maps nested fields, UNLIMITED as Infinity, unset default time as null', () => {
    const p = partitionSchema.parse(getAdapter('v0.0.40').item('partitions', dpPartition()));
    expect(p).toEqual({
      name: 'normal',
      state: 'UP',
      nodeList: 'cn[1-4]',
      totalNodes: 4,
      totalCpus: 256,
      isDefault: false,
      maxTimeSeconds: Number.POSITIVE_INFINITY,
      defaultTimeSeconds: null,
      maxNodes: Number.POSITIVE_INFINITY,
      minNodes: 0,
      priorityTier: 1,
      priorityJobFactor: 1,
      qos: '',
      allowAccounts: '',
      allowQos: '',
    });
  });

  it('v0.0.45 partition flags tell the default partition', () => {
    const p = getAdapter('v0.0.45').item(
      'partitions',
      dpPartition({ flags: ['DEFAULT'], maximums: { time: n(120) }, partition: { state: ['DRAIN'] } }),
    );
    expect(p).toMatchObject({ isDefault: true, maxTimeSeconds: 7200, state: 'DRAIN' });
  });

  it('a wrong nested shape names the nested path', () => {
    try {
      getAdapter('v0.0.42').item('partitions', dpPartition({ nodes: { configured: 'x', total: 'four' } }));
      expect.unreachable('should throw');
    } catch (e) {
      expect((e as z.ZodError).issues[0]?.path).toEqual(['nodes', 'total']);
    }
  });
});

describe('data_parser ping, diag, shares', () => {
  it('ping latency in seconds; v0.0.42+ `responding` wins over `pinged`', () => {
    expect(
      getAdapter('v0.0.40').item('ping', { hostname: 'h', pinged: 'UP', latency: 1724, mode: 'primary' }),
    ).toEqual({
      hostname: 'h',
      mode: 'primary',
      responding: true,
      latencySeconds: 0.001724,
    });
    expect(
      getAdapter('v0.0.44').item('ping', {
        hostname: 'h2',
        pinged: 'UP',
        responding: false,
        latency: 10,
        mode: 'backup1',
        primary: false,
      }),
    ).toMatchObject({ responding: false, mode: 'backup1' });
  });

  it('diag: v0.0.40 plain average_time, v0.0.41 wrapped average_time and wrapped times', () => {
    const stats = {
      req_time: n(1700000100),
      bf_when_last_cycle: n(0),
      jobs_pending: 25,
      bf_table_size: 1,
      bf_active: true,
    };
    const d40 = getAdapter('v0.0.40').diag({
      statistics: {
        ...stats,
        rpcs_by_message_type: [
          { message_type: 'REQUEST_PING', type_id: 1008, count: 1, average_time: 104, total_time: 104 },
        ],
      },
    });
    expect(d40.rpcsByMessageType).toEqual([
      { key: 'REQUEST_PING', count: 1, totalTimeUs: 104, averageTimeUs: 104 },
    ]);
    const d41 = diagSchema.parse(
      getAdapter('v0.0.41').diag({
        statistics: {
          ...stats,
          rpcs_by_user: [{ user_id: 0, user: 'root', count: 29, total_time: 40360, average_time: n(1391) }],
          pending_rpcs: [],
        },
      }),
    );
    expect(d41).toMatchObject({
      reqTime: 1700000100,
      bfWhenLastCycle: 0,
      jobsPending: 25,
      bfTableSize: 1,
      bfActive: true,
      rpcsByMessageType: [],
      rpcsByUser: [{ key: 'root', count: 29, totalTimeUs: 40360, averageTimeUs: 1391 }],
    });
  });

  it('shares: user rows take the account from the parent, account rows have no user', () => {
    const v44 = getAdapter('v0.0.44');
    const userRow = shareSchema.parse(
      v44.item('shares', {
        id: 5,
        cluster: 'c',
        name: 'alice',
        parent: 'physics',
        partition: '',
        shares_normalized: n(0.5),
        shares: n(1),
        effective_usage: n(0.25),
        usage_normalized: n(0.2),
        usage: 1234,
        fairshare: { factor: n(0.75), level: { set: true, infinite: true, number: 0 } },
        type: ['USER'],
      }),
    );
    expect(userRow).toEqual({
      account: 'physics',
      user: 'alice',
      partition: '',
      parent: 'physics',
      rawShares: 1,
      normalizedShares: 0.5,
      rawUsage: 1234,
      effectiveUsage: 0.25,
      fairshareFactor: 0.75,
      fairshareLevel: Number.POSITIVE_INFINITY,
    });
    const accountRow = getAdapter('v0.0.40').item('shares', {
      name: 'physics',
      parent: 'root',
      shares: unset,
      effective_usage: 0.1,
      fairshare: { factor: 0.9, level: 1.1 },
      type: ['ASSOCIATION'],
    });
    expect(accountRow).toMatchObject({
      account: 'physics',
      user: '',
      rawShares: null,
      effectiveUsage: 0.1,
      fairshareLevel: 1.1,
    });
  });
});

describe('data_parser slurmdb', () => {
  const v44 = getAdapter('v0.0.44');

  it('users: administrator_level is an array', () => {
    const u = userSchema.parse(
      v44.item('users', {
        administrator_level: ['Operator'],
        associations: [{ account: 'a', cluster: 'c', partition: '', user: 'bob', id: 3 }],
        coordinators: [],
        default: { account: 'a', wckey: '', qos: 0 },
        flags: [],
        name: 'bob',
      }),
    );
    expect(u).toEqual({ name: 'bob', defaultAccount: 'a', adminLevel: 'Operator', accounts: ['a'] });
  });

  it('associations: wrapped limits, infinite and unset', () => {
    const a = associationSchema.parse(
      v44.item('associations', {
        account: 'a',
        cluster: 'c',
        default: { qos: 'normal' },
        max: {
          jobs: {
            per: { count: unset, submitted: n(100), wall_clock: unlimited },
            active: n(10),
            total: unset,
          },
          tres: { total: [], per: { job: [{ type: 'node', name: '', id: 4, count: 2 }] } },
          per: { account: { wall_clock: n(600) } },
        },
        parent_account: 'root',
        partition: '',
        priority: unset,
        qos: ['normal'],
        shares_raw: 10,
        user: '',
        is_default: false,
      }),
    );
    expect(a).toMatchObject({
      user: '',
      parentAccount: 'root',
      defaultQos: 'normal',
      maxJobs: 10,
      maxSubmitJobs: null,
      grpJobs: null,
      grpSubmitJobs: 100,
      maxWallSecondsPerJob: Number.POSITIVE_INFINITY,
      grpWallSeconds: 36000,
      priority: null,
      maxTresPerJob: { node: 2 },
    });
  });

  it('qos: wrapped numbers and open-string enums', () => {
    const q = qosSchema.parse(
      v44.item('qos', {
        name: 'gpu',
        description: '',
        flags: ['SOME_FUTURE_FLAG'],
        priority: n(10),
        usage_factor: n(2),
        usage_threshold: unset,
        preempt: { list: [], mode: ['CANCEL', 'NEW_MODE'], exempt_time: unset },
        limits: {
          max: {
            active_jobs: { count: unset },
            jobs: {
              count: n(200),
              active_jobs: { per: { user: n(4), account: unset } },
              per: { user: unset },
            },
            wall_clock: { per: { job: n(1440), qos: unset } },
            tres: { per: { user: [{ type: 'gres', name: 'gpu', id: 1001, count: 8 }] } },
          },
          min: { tres: { per: { job: [{ type: 'cpu', name: '', count: 1 }] } } },
        },
      }),
    );
    expect(q).toMatchObject({
      priority: 10,
      usageFactor: 2,
      usageThreshold: null,
      preemptMode: ['CANCEL', 'NEW_MODE'],
      flags: ['SOME_FUTURE_FLAG'],
      grpSubmitJobs: 200,
      maxJobsPerUser: 4,
      maxWallSecondsPerJob: 86400,
      maxTresPerUser: { 'gres/gpu': 8 },
      minTresPerJob: { cpu: 1 },
    });
  });
});
