/** Prometheus label names: the exposition format's grammar, without the `__` prefix Prometheus reserves. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** True for a name a pushed series may carry as a label. */
export function isLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}
