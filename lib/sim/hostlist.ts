/**
 * Compresses node names into a Slurm hostlist expression (`cn[0001-0004,0007],gn01`). Hand-written because the
 * simulator only needs the compressing direction for names it generated itself (prefix + zero-padded number);
 * the exporter's parser is elsewhere.
 */
export function compressHostlist(names: readonly string[]): string {
  const groups = new Map<string, { width: number; nums: number[] }>();
  const plain: string[] = [];
  for (const name of names) {
    const m = /^(.*?)(\d+)$/.exec(name);
    if (!m) {
      plain.push(name);
      continue;
    }
    const prefix = m[1] ?? '';
    const digits = m[2] ?? '';
    const key = `${prefix}\u0000${digits.length}`;
    let g = groups.get(key);
    if (!g) {
      g = { width: digits.length, nums: [] };
      groups.set(key, g);
    }
    g.nums.push(Number(digits));
  }
  const parts: string[] = [];
  for (const [key, g] of groups) {
    const prefix = key.slice(0, key.indexOf('\u0000'));
    const nums = [...new Set(g.nums)].sort((a, b) => a - b);
    const pad = (n: number): string => String(n).padStart(g.width, '0');
    const ranges: string[] = [];
    let i = 0;
    while (i < nums.length) {
      const start = nums[i] as number;
      let end = start;
      while (i + 1 < nums.length && nums[i + 1] === end + 1) {
        i++;
        end = nums[i] as number;
      }
      ranges.push(start === end ? pad(start) : `${pad(start)}-${pad(end)}`);
      i++;
    }
    const only = ranges.length === 1 && !ranges[0]?.includes('-');
    parts.push(only ? `${prefix}${ranges[0]}` : `${prefix}[${ranges.join(',')}]`);
  }
  return [...parts, ...plain].join(',');
}
