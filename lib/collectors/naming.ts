/**
 * Legacy metric names (`metrics.naming: vpenso | rivosinc`) as a mapping layer over native families, so
 * dashboards built for those exporters keep working. Each legacy metric selects samples of ONE native family,
 * keeps/renames some labels, sums (or maxes) over the dropped ones and may rescale (legacy units: vpenso
 * sdiag times in microseconds, memory in MiB).
 *
 * In a legacy mode a native family that feeds at least one legacy metric is replaced by its legacy metrics;
 * native families without a legacy equivalent are kept unchanged (no data is lost). Labels `cluster` and
 * const labels are added afterwards as in native mode.
 */
import { LEGACY_METRICS, type LegacyMetric, type NamingMode } from './legacy-names.js';
import type { MetricFamily, Sample } from './types.js';

export {
  LEGACY_IDENTICAL,
  LEGACY_METRICS,
  type LegacyMetric,
  NAMING_MODES,
  type NamingMode,
} from './legacy-names.js';

function matches(s: Sample, match: LegacyMetric['match']): boolean {
  if (!match) return true;
  for (const [k, want] of Object.entries(match)) {
    const v = s.labels[k];
    if (v === undefined || (typeof want === 'string' ? v !== want : !want.includes(v))) return false;
  }
  return true;
}

/** Builds one legacy family from its native family (or null when there is nothing to emit). */
function derive(m: LegacyMetric, native: MetricFamily | undefined): MetricFamily | null {
  const groups = new Map<string, Sample>();
  for (const s of native?.samples ?? []) {
    if (!matches(s, m.match)) continue;
    const labels: Record<string, string> = {};
    for (const [from, to] of Object.entries(m.labels ?? {})) labels[to] = s.labels[from] ?? '';
    const key = JSON.stringify(Object.entries(labels));
    const v = s.value * (m.scale ?? 1);
    const cur = groups.get(key);
    if (!cur) groups.set(key, { labels, value: v });
    else cur.value = m.agg === 'max' ? Math.max(cur.value, v) : cur.value + v;
  }
  if (groups.size === 0) {
    // Only for unlabelled legacy series, and only when the native family was produced (its collector ran).
    if (!m.zero || m.labels || !native) return null;
    groups.set('', { labels: {}, value: 0 });
  }
  return {
    name: m.legacy,
    type: 'gauge',
    help: `${native?.help ?? ''} (legacy name; native ${m.native})`.trim(),
    samples: [...groups.values()],
  };
}

/**
 * Applies a naming mode to one collector's families. Native families that feed a legacy metric are
 * replaced; others pass through. `native` mode returns the input unchanged.
 */
export function applyNaming(families: MetricFamily[], mode: NamingMode): MetricFamily[] {
  if (mode === 'native') return families;
  const byName = new Map(families.map((f) => [f.name, f]));
  const mapped = LEGACY_METRICS[mode].filter((m) => byName.has(m.native));
  const used = new Set(mapped.map((m) => m.native));
  const out = families.filter((f) => !used.has(f.name));
  for (const m of mapped) {
    const f = derive(m, byName.get(m.native));
    if (f) out.push(f);
  }
  return out;
}
