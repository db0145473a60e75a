/**
 * A version adapter turns one slurmrestd API version's JSON into the internal model (lib/slurm/model.ts).
 * The client (lib/slurm/client.ts) does the HTTP and the incremental parsing; adapters are pure functions.
 */
import type { ApiVersion, EndpointData, EndpointName, JobField, SlurmMeta } from '../model.js';

/** Endpoints whose payload is a list (everything but diag). */
export type ListEndpoint = Exclude<EndpointName, 'diag'>;
export type ItemOf<E extends ListEndpoint> = EndpointData[E][number];

export interface Adapter {
  readonly version: ApiVersion;
  /**
   * URL path for an endpoint, e.g. `/slurm/v0.0.38/nodes` or `/slurmdb/v0.0.44/qos`;
   * null when this version does not serve the endpoint (e.g. licenses before v0.0.38, shares before v0.0.40).
   */
  path(endpoint: EndpointName): string | null;
  /**
   * Top-level key of the payload array for a list endpoint (`nodes`, `jobs`, `pings`, `shares`, ...), which the
   * client parses element by element. For shares the array may be nested (v0.0.40+: `shares.shares`): the
   * key path is returned as a list.
   */
  listKey(endpoint: ListEndpoint): readonly string[];
  /** Reads `meta` (and anything else top-level) of a response; `rest` is the body without the streamed list. */
  meta(rest: unknown): SlurmMeta;
  /**
   * Adapts one raw list element. Throws a ZodError (from a zod schema of only the fields used) when the element
   * does not have the expected shape; the client wraps it with the endpoint and element index.
   * May return null to drop an element (e.g. a shares tree row that is not an association).
   */
  item<E extends ListEndpoint>(endpoint: E, raw: unknown): ItemOf<E> | null;
  /**
   * `item` for every element of one list read with `fields(endpoint, jobFields)` kept: for jobs with
   * `jobFields`, a mapper that checks and computes only what those fields need (the others come out empty).
   */
  itemMapper?<E extends ListEndpoint>(
    endpoint: E,
    jobFields?: readonly JobField[],
  ): (raw: unknown) => ItemOf<E> | null;
  /**
   * The only top-level element fields `item` reads for a large list (jobs, nodes), or undefined for "all". The
   * client leaves the others out before JSON.parse (lib/slurm/json-stream.ts `keepKeys`). For jobs,
   * `jobFields` narrows them to what those model fields need (the other fields come out empty).
   */
  fields?(endpoint: ListEndpoint, jobFields?: readonly JobField[]): readonly string[] | undefined;
  /** Adapts the whole diag body. */
  diag(body: unknown): EndpointData['diag'];
}
