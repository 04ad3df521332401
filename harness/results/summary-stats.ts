// Small descriptive statistics used by derived metrics and reports: quantiles (linear
// interpolation, as numpy's default), median, mean and a Student-t 95 % confidence interval.

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function sampleStdDev(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

// Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom; 1.96 beyond.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16,
  2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052,
  2.048, 2.045, 2.042,
];

/** 95 % confidence interval of the mean; null with fewer than two values. */
export function ci95(values: readonly number[]): { low: number; high: number; halfWidth: number } | null {
  if (values.length < 2) return null;
  const df = values.length - 1;
  const t = T975[df - 1] ?? 1.96;
  const halfWidth = (t * sampleStdDev(values)) / Math.sqrt(values.length);
  const m = mean(values);
  return { low: m - halfWidth, high: m + halfWidth, halfWidth };
}
