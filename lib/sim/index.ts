/** Public surface of the simulator (generator, truth, renderers, server). */
export { type EmbeddedCluster, startEmbeddedCluster } from './embedded.js';
export { generateCluster } from './generate.js';
export { renderBody, renderDoc, renderStream, SIM_VERSIONS, type SimVersion } from './render.js';
export {
  DEFAULT_SIM_VERSIONS,
  NOT_FOUND_TEXT,
  type SimFault,
  type SimServer,
  type SimServerOptions,
  type SimServerStats,
  startSimServer,
  UNAUTHORIZED_TEXT,
} from './server.js';
export { type ClusterTruth, clusterTruth, effectiveNodeState } from './truth.js';
export type * from './types.js';
