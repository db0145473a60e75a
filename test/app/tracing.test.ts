import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCollect } from '../../lib/app/collect.js';
import { shutdownTracing } from '../../lib/observability/tracing.js';
import { generateCluster } from '../../lib/sim/index.js';
import { type SimServer, startSimServer } from '../../lib/sim/server.js';
import { resetSlurmClientState } from '../../lib/slurm/client.js';
import { type CaptureServer, startCaptureServer } from '../helpers/capture-server.js';
import { type OtlpReceiver, startOtlpGrpcReceiver } from '../helpers/otlp-receiver.js';

describe('runCollect with tracing enabled', () => {
  let sim: SimServer;
  let gateway: CaptureServer;
  let otlp: OtlpReceiver;

  beforeAll(async () => {
    sim = await startSimServer({
      cluster: generateCluster({ seed: 11, nodes: 12, jobs: 40, name: 'traced' }),
      versions: ['v0.0.43'],
    });
    gateway = await startCaptureServer();
    otlp = await startOtlpGrpcReceiver();
  });
  afterAll(async () => {
    await shutdownTracing();
    await resetSlurmClientState();
    await sim.close();
    await gateway.close();
    await otlp.close();
  });

  it('exports one trace per invocation: root, a child per collector and per slurmrestd request, render and push', async () => {
    await runCollect({
      env: {
        SLURM_EXPORTER_SLURM_BASE_URL: sim.url,
        SLURM_EXPORTER_PUSH_TYPE: 'pushgateway',
        SLURM_EXPORTER_PUSH_URL: gateway.url,
        SLURM_EXPORTER_LOGGING_LEVEL: 'error',
        SLURM_EXPORTER_OBSERVABILITY_TRACING_ENABLED: 'true',
        SLURM_EXPORTER_OBSERVABILITY_TRACING_SAMPLE_RATE: '1',
        SLURM_EXPORTER_OBSERVABILITY_TRACING_ENDPOINT: otlp.endpoint,
        SLURM_EXPORTER_OBSERVABILITY_TRACING_PROTOCOL: 'grpc',
        AWS_REGION: 'eu-west-1',
      },
      awsRequestId: 'req-traced-1',
      functionName: 'slurm-push-exporter-dev-collect',
      remainingTimeMs: () => 30_000,
    });

    // Spans were flushed before runCollect returned.
    const spans = otlp.spans;
    const root = spans.find((s) => s.name === 'collect');
    expect(root).toBeDefined();
    expect(root?.parentSpanId).toBe('');
    expect(root?.attributes).toMatchObject({
      'faas.trigger': 'timer',
      'faas.invocation_id': 'req-traced-1',
      'cloud.provider': 'aws',
      'cloud.region': 'eu-west-1',
    });
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root?.traceId]));
    const children = spans.filter((s) => s.parentSpanId === root?.spanId).map((s) => s.name);
    for (const name of ['collector nodes', 'collector jobs', 'collector scheduler', 'render', 'push']) {
      expect(children).toContain(name);
    }
    const requests = spans.filter((s) => s.kind === 3 && s.attributes['slurm.endpoint'] !== undefined);
    const answered = requests.filter((s) => s.attributes['http.response.status_code'] === 200);
    expect(answered.length).toBeGreaterThanOrEqual(8);
    expect(answered.every((s) => s.attributes['slurm.api_version'] === 'v0.0.43')).toBe(true);
    // Auto-detection probed newer versions first: those answered 404.
    expect(requests.some((s) => s.attributes['http.response.status_code'] === 404)).toBe(true);
    expect(requests.every((s) => s.parentSpanId === root?.spanId)).toBe(true);
    const pushRequests = spans.filter((s) => s.kind === 3 && s.attributes['push.target'] === 'pushgateway');
    expect(pushRequests).toHaveLength(1);
    expect(pushRequests[0]?.attributes['http.response.status_code']).toBe(200);
    // Trace context reaches the push target.
    const put = gateway.requests.find((r) => r.method === 'PUT');
    expect(String(put?.headers.traceparent)).toContain(root?.traceId ?? 'missing');
  });
});
