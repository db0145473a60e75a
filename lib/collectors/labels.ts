/** Label rules every pushed series follows, shared by the assembler and the renderers. */

/** Prometheus label names: the exposition format's grammar, without the `__` prefix Prometheus reserves. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True for a name a pushed series may carry as a label. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/**
 * A copy of `labels` without its empty values (Prometheus reads `l=""` as no label `l`), values as strings. A
 * fresh object rather than `delete` on the original, which would leave a slow dictionary-mode object.
 */
export function withoutEmptyValues(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels)) {
    const v = labels[k];
    if (v !== '' && v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}
