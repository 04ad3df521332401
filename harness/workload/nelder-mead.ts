// Nelder–Mead simplex minimisation (Nelder & Mead 1965; standard coefficients) inside a box:
// derivative-free and at ease in the narrow valleys where calibration parameters trade off.

export interface NelderMeadOptions {
  start: number[]; // initial point
  steps: number[]; // initial simplex edge per dimension
  lower: number[]; // box: points are clamped into [lower, upper]
  upper: number[];
  tolerance: number[]; // stop when every vertex is this close to the best one, per dimension
  maxEvaluations: number;
}

export function nelderMead(f: (x: number[]) => number, o: NelderMeadOptions): { x: number[]; value: number; evaluations: number } {
  const n = o.start.length;
  const clamp = (x: number[]) => x.map((v, i) => Math.min(o.upper[i]!, Math.max(o.lower[i]!, v)));
  let evaluations = 0;
  const point = (x: number[]) => { const c = clamp(x); evaluations++; return { x: c, v: f(c) }; };
  const simplex = [point(o.start)];
  for (let i = 0; i < n; i++) {
    const x = [...o.start];
    x[i]! += x[i]! + o.steps[i]! > o.upper[i]! ? -o.steps[i]! : o.steps[i]!; // step inwards at a bound
    simplex.push(point(x));
  }
  const along = (a: number[], b: number[], t: number) => a.map((ai, i) => ai + t * (b[i]! - ai)); // a + t(b − a)
  while (evaluations < o.maxEvaluations) {
    simplex.sort((p, q) => p.v - q.v);
    const best = simplex[0]!, worst = simplex[n]!;
    if (simplex.every((p) => p.x.every((xi, i) => Math.abs(xi - best.x[i]!) <= o.tolerance[i]!))) break;
    const centroid = Array.from({ length: n }, (_, i) => simplex.slice(0, n).reduce((s, p) => s + p.x[i]!, 0) / n);
    const reflected = point(along(centroid, worst.x, -1));
    if (reflected.v < best.v) {
      const expanded = point(along(centroid, worst.x, -2));
      simplex[n] = expanded.v < reflected.v ? expanded : reflected;
    } else if (reflected.v < simplex[n - 1]!.v) {
      simplex[n] = reflected;
    } else {
      const contracted = point(along(centroid, worst.x, reflected.v < worst.v ? -0.5 : 0.5));
      if (contracted.v < Math.min(worst.v, reflected.v)) simplex[n] = contracted;
      else for (let i = 1; i <= n; i++) simplex[i] = point(along(best.x, simplex[i]!.x, 0.5)); // shrink
    }
  }
  simplex.sort((p, q) => p.v - q.v);
  return { x: simplex[0]!.x, value: simplex[0]!.v, evaluations };
}
