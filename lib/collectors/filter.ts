/** include/exclude metric-name filters with `*` globs (the pattern syntax upstream documented). */

export interface MetricFilter {
  include_metrics?: readonly string[];
  exclude_metrics?: readonly string[];
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

/** Returns a predicate on final metric names: included (or no include list) and not excluded. */
export function compileFilter(filter: MetricFilter | undefined): (name: string) => boolean {
  const inc = (filter?.include_metrics ?? []).map(globToRegExp);
  const exc = (filter?.exclude_metrics ?? []).map(globToRegExp);
  if (inc.length === 0 && exc.length === 0) return () => true;
  return (name) => (inc.length === 0 || inc.some((r) => r.test(name))) && !exc.some((r) => r.test(name));
}
