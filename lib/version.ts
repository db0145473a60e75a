/** Replaced at build time by scripts/build.mjs; read from package.json when running from sources. */
declare const __VERSION__: string | undefined;

/** The exporter's version, used in User-Agent headers and `slurm_exporter_build_info`. */
export const VERSION: string = typeof __VERSION__ !== 'undefined' ? __VERSION__ : '0.1.0-dev';
export const USER_AGENT = `slurm-push-exporter/${VERSION}`;
