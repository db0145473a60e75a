/**
 * Whether V8's heap may outgrow the Lambda function's memory. Lambda kills a function that goes over its
 * memory (nothing reaches the logs), while V8 collects harder as the heap nears its own limit: the limit must
 * sit below `memorySize`, leaving room for what lives outside the heap (response chunks, the push body, code).
 * serverless.yml sets `--max-old-space-size` for the default 512 MB; this catches a memory size changed alone.
 */

/** Share of the function's memory the heap limit may take; the rest is for memory outside the V8 heap. */
export const HEAP_SHARE_OF_MEMORY = 0.85;

export interface HeapLimitRisk {
  heap_limit_mb: number;
  memory_mb: number;
  /** The `--max-old-space-size` that fits this memory size (about three quarters of it). */
  suggested_max_old_space_mb: number;
}

/**
 * The risk when `heapLimitBytes` (v8.getHeapStatistics().heap_size_limit) exceeds HEAP_SHARE_OF_MEMORY of
 * `memoryMb` (AWS_LAMBDA_FUNCTION_MEMORY_SIZE); null when it fits or the memory size is unknown (not on Lambda).
 */
export function heapLimitRisk(heapLimitBytes: number, memoryMb: string | undefined): HeapLimitRisk | null {
  const memory = Number(memoryMb);
  if (!memoryMb || !Number.isFinite(memory) || memory <= 0) return null;
  const heapMb = heapLimitBytes / 2 ** 20;
  if (heapMb <= memory * HEAP_SHARE_OF_MEMORY) return null;
  return {
    heap_limit_mb: Math.round(heapMb),
    memory_mb: memory,
    suggested_max_old_space_mb: Math.floor((memory * 3) / 4),
  };
}
