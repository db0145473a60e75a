/**
 * Per-invocation config overrides from the schedule event. EventBridge delivers a rule's `input` as the event
 * itself, so one deployment serves N clusters with N rules whose input differs, e.g.
 * `{"cluster_name": "hpc2", "slurm": {"base_url": "https://hpc2:6820"}, "secret_id": "slurm/hpc2"}`.
 * Dotted keys (`"slurm.base_url"`) are accepted too. A plain scheduled event (no input) carries no overrides.
 */
const EVENT_ENVELOPE_KEYS = new Set([
  'version',
  'id',
  'detail-type',
  'source',
  'account',
  'time',
  'region',
  'resources',
  'detail',
]);

type Nested = Record<string, unknown>;

function setPath(target: Nested, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Nested;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Extracts config overrides from a Lambda event (schedule input, or a test/CLI object). */
export function overridesFromEvent(event: unknown): Nested {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return {};
  const e = event as Nested;
  // A raw EventBridge scheduled event: nothing to override.
  if (e['detail-type'] === 'Scheduled Event' || e.source === 'aws.events') return {};
  const out: Nested = {};
  for (const [key, value] of Object.entries(e)) {
    if (EVENT_ENVELOPE_KEYS.has(key) || value === undefined || value === null || value === '') continue;
    if (key.includes('.')) setPath(out, key, value);
    else out[key] = value;
  }
  return out;
}
