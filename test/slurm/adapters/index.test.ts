import { describe, expect, it } from 'vitest';
import { getAdapter } from '../../../lib/slurm/adapters/index.js';
import {
  API_VERSIONS,
  controllerSchema,
  ENDPOINTS,
  type EndpointName,
  nodeSchema,
} from '../../../lib/slurm/model.js';

const ALL = Object.keys(ENDPOINTS) as EndpointName[];

describe('getAdapter', () => {
  it('has an adapter for every API version', () => {
    for (const v of API_VERSIONS) {
      const a = getAdapter(v);
      expect(a.version).toBe(v);
      expect(getAdapter(v)).toBe(a);
    }
  });

  it('rejects an unknown version with a clear error', () => {
    expect(() => getAdapter('v0.0.35' as never)).toThrow(/v0\.0\.35/);
  });

  it('builds slurm and slurmdb paths', () => {
    expect(getAdapter('v0.0.38').path('nodes')).toBe('/slurm/v0.0.38/nodes');
    expect(getAdapter('v0.0.44').path('qos')).toBe('/slurmdb/v0.0.44/qos');
    expect(getAdapter('v0.0.36').path('associations')).toBe('/slurmdb/v0.0.36/associations');
  });

  it('returns null for endpoints a version does not serve', () => {
    const missing = (v: (typeof API_VERSIONS)[number]) => ALL.filter((e) => getAdapter(v).path(e) === null);
    expect(missing('v0.0.36')).toEqual(['reservations', 'licenses', 'shares']);
    expect(missing('v0.0.37')).toEqual(['licenses', 'shares']);
    expect(missing('v0.0.38')).toEqual(['shares']);
    expect(missing('v0.0.39')).toEqual(['shares']);
    for (const v of ['v0.0.40', 'v0.0.41', 'v0.0.42', 'v0.0.43', 'v0.0.44', 'v0.0.45'] as const) {
      expect(missing(v)).toEqual([]);
    }
  });

  it('names the list keys of each family', () => {
    expect(getAdapter('v0.0.36').listKey('ping')).toEqual(['pings']);
    expect(getAdapter('v0.0.38').listKey('qos')).toEqual(['QOS']);
    expect(getAdapter('v0.0.38').listKey('tres')).toEqual(['TRES']);
    expect(getAdapter('v0.0.39').listKey('tres')).toEqual(['tres']);
    expect(getAdapter('v0.0.39').listKey('qos')).toEqual(['qos']);
    expect(getAdapter('v0.0.41').listKey('shares')).toEqual(['shares', 'shares']);
    expect(getAdapter('v0.0.44').listKey('tres')).toEqual(['TRES']);
    expect(getAdapter('v0.0.44').listKey('nodes')).toEqual(['nodes']);
    expect(getAdapter('v0.0.45').listKey('associations')).toEqual(['associations']);
  });
});

describe('meta', () => {
  it('reads the legacy meta.plugin / meta.Slurm shape', () => {
    const meta = getAdapter('v0.0.37').meta({
      meta: {
        plugin: { type: 'openapi/v0.0.37', name: 'Slurm OpenAPI v0.0.37' },
        Slurm: { version: { major: 22, micro: 8, minor: 5 }, release: '22.05.8' },
      },
      errors: [],
    });
    expect(meta).toEqual({
      apiVersion: 'v0.0.37',
      cluster: null,
      release: '22.05.8',
      dataParser: 'openapi/v0.0.37',
    });
  });

  it('reads the data_parser meta shape', () => {
    const meta = getAdapter('v0.0.44').meta({
      meta: {
        plugin: {
          type: 'openapi/slurmctld',
          name: 'x',
          data_parser: 'data_parser/v0.0.44',
          accounting_storage: '',
        },
        client: { source: 'a', user: 'root', group: 'root' },
        slurm: { version: { major: '25', micro: '0', minor: '11' }, release: '25.11.0', cluster: 'hpc' },
      },
    });
    expect(meta).toEqual({
      apiVersion: 'v0.0.44',
      cluster: 'hpc',
      release: '25.11.0',
      dataParser: 'data_parser/v0.0.44',
    });
  });

  it('gives nulls when meta is missing', () => {
    expect(getAdapter('v0.0.40').meta({})).toEqual({
      apiVersion: 'v0.0.40',
      cluster: null,
      release: null,
      dataParser: null,
    });
  });
});

describe('every version adapts a minimal body of its family', () => {
  it.each(API_VERSIONS)('%s', (v) => {
    const legacy = ['v0.0.36', 'v0.0.37', 'v0.0.38'].includes(v);
    const a = getAdapter(v);
    const ping = controllerSchema.parse(
      a.item(
        'ping',
        legacy ? { hostname: 'c', ping: 'UP', mode: 'primary' } : { hostname: 'c', pinged: 'UP', latency: 5 },
      ),
    );
    expect(ping.responding).toBe(true);
    expect(ping.latencySeconds).toBe(legacy ? null : 5e-6);
    const node = nodeSchema.parse(
      a.item('nodes', {
        name: 'x',
        cpus: legacy ? 2 : { set: true, infinite: false, number: 2 },
        real_memory: 10,
        state: legacy ? 'mixed' : ['MIXED', 'DRAIN'],
        state_flags: legacy && v !== 'v0.0.36' ? ['DRAIN'] : undefined,
      }),
    );
    expect(node.state).toBe('MIXED');
    expect(node.flags).toEqual(v === 'v0.0.36' ? [] : ['DRAIN']);
    expect(node.cpus).toBe(2);
    expect(node.realMemoryBytes).toBe(10 * 1024 * 1024);
  });
});
