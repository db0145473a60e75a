/**
 * sinfo's long node state (`%T`: Slurm's node_state_string(), lower-cased) → the exporter's effective node state
 * (lib/collectors/node-state.ts). Written from Slurm's semantics, independently of the collector, so tests can
 * compare the exporter with sinfo. The suffix characters are flags: `*` not responding, `~` powered down,
 * `#` powering up, `%`/`!` powering down, `$` maintenance, `@`/`^` reboot, `+` completing, `-` planned. Only an
 * idle node's suffix is a state of its own (an idle node with it cannot simply take work).
 */
const IDLE_SUFFIX: Record<string, string> = {
  '*': 'not_responding',
  '~': 'powered_down',
  '#': 'powering_up',
  '%': 'powering_down',
  '!': 'powering_down',
};

export function effectiveFromSinfo(long: string): string {
  const m = /^([a-z_]+)([*~#%!$@^+-]?)$/.exec(long);
  if (!m) throw new Error(`unexpected sinfo state ${JSON.stringify(long)}`);
  const base = m[1] as string;
  const suffix = m[2] as string;
  switch (base) {
    case 'idle':
      return IDLE_SUFFIX[suffix] ?? 'idle';
    case 'failing':
      return 'fail';
    case 'reboot':
    case 'reboot_issued':
    case 'reboot_requested':
      return 'rebooting';
    case 'power_down':
      return 'powering_down';
    case 'power_up':
      return 'powering_up';
    default:
      // allocated, mixed, down, drained, draining, completing, maint, reserved, planned, fail, future, unknown
      return base;
  }
}
