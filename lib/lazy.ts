import { createRequire } from 'node:module';
import path from 'node:path';

/** Set by scripts/build.mjs; undefined when running from TypeScript sources (vitest, tsx). */
declare const __BUNDLED__: boolean | undefined;

/**
 * Modules that are heavy and only needed for some configurations. In the bundle each is its own file in
 * dist/ and is required only on first use, so a default cold start never parses OpenTelemetry or SigV4 code.
 */
const LAZY = {
  'tracing-sdk': () => import('./observability/tracing-sdk.js'),
  'remote-write': () => import('./push/remote-write.js'),
  sigv4: () => import('./push/sigv4.js'),
} as const;
export type LazyName = keyof typeof LAZY;
/** The lazily loaded bundles: each is dist/<name>.cjs and must ship with the functions. */
export const LAZY_NAMES = Object.keys(LAZY) as LazyName[];

/** Loads a lazily bundled module (from dist/<name>.cjs in the bundle, from source otherwise). */
export async function loadLazy<N extends LazyName>(name: N): Promise<Awaited<ReturnType<(typeof LAZY)[N]>>> {
  if (typeof __BUNDLED__ !== 'undefined' && __BUNDLED__) {
    // A non-literal path keeps esbuild from inlining the module into the calling bundle.
    const req = createRequire(__filename);
    return req(path.join(__dirname, `${name}.cjs`));
  }
  return (await LAZY[name]()) as Awaited<ReturnType<(typeof LAZY)[N]>>;
}
