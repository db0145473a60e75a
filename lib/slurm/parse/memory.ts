/**
 * Memory quantities as Slurm prints them (`512M`, `22.50G`, `1.5T`, bare numbers in MiB) → bytes.
 * Slurm units are binary (K = 1024). Plain floating-point arithmetic is used on purpose: a 32-bit integer
 * conversion is how an upstream exporter turned ≥ 1 TB into 0.
 */

export const MIB = 1024 * 1024;

const UNIT_POWER: Record<string, number> = { K: 1, M: 2, G: 3, T: 4, P: 5, E: 6 };

/** MiB (Slurm's memory fields) → bytes; keeps null and Infinity. */
export function mibToBytes(mib: number | null): number | null {
  return mib === null || !Number.isFinite(mib) ? mib : mib * MIB;
}

/**
 * Parses `<number>[K|M|G|T|P|E][B]` (case-insensitive). A bare number is taken in `defaultUnit` (Slurm prints
 * memory in MiB). Returns bytes, or null when the text is not a quantity (`N/A`, '').
 */
export function parseMemory(text: string, defaultUnit: 'B' | 'K' | 'M' = 'M'): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGTPE]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) return null;
  const value = Number(m[1]);
  const unit = (m[2] ?? '').toUpperCase();
  const power = unit === '' ? (defaultUnit === 'B' ? 0 : UNIT_POWER[defaultUnit]!) : UNIT_POWER[unit]!;
  return Math.round(value * 1024 ** power);
}
