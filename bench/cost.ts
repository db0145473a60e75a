/**
 * Lambda cost per month at a 1-minute schedule. arm64 prices (us-east-1): $0.0000133334 per GB-second and
 * $0.20 per million requests. Lambda gives a function CPU in proportion to its memory (1 769 MB = one vCPU),
 * so below that a CPU-bound invocation stretches: the estimate bills max(wall, cpu × 1769 / memory).
 */
export const GB_SECOND_USD = 0.0000133334;
export const REQUEST_USD = 0.2 / 1_000_000;
export const INVOCATIONS_PER_MONTH = 60 * 24 * 30;
const FULL_VCPU_MB = 1769;

export interface LambdaCost {
  memory_mb: number;
  est_duration_ms: number;
  gb_seconds_month: number;
  usd_month: number;
}

export function lambdaCost(wallMs: number, cpuMs: number, memoryMb: number): LambdaCost {
  const duration = Math.max(wallMs, (cpuMs * FULL_VCPU_MB) / Math.min(memoryMb, FULL_VCPU_MB));
  // Lambda bills per 1 ms.
  const gbSeconds = (Math.ceil(duration) / 1000) * (memoryMb / 1024) * INVOCATIONS_PER_MONTH;
  const usd = gbSeconds * GB_SECOND_USD + INVOCATIONS_PER_MONTH * REQUEST_USD;
  return {
    memory_mb: memoryMb,
    est_duration_ms: Math.ceil(duration),
    gb_seconds_month: Math.round(gbSeconds),
    usd_month: Math.round(usd * 100) / 100,
  };
}

/** Smallest common Lambda memory size that holds the measured peak RSS with 25% headroom. */
export function memoryFor(peakRssMb: number): number {
  const sizes = [256, 512, 1024, 1769, 2048, 3008];
  return sizes.find((s) => s >= peakRssMb * 1.25) ?? 3008;
}
