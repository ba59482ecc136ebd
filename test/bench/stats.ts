/** Percentile of a sorted sample set (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function round(n: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function rssMb(): number {
  return round(process.memoryUsage().rss / 1024 / 1024, 1);
}

/**
 * Samples the process's memory every `everyMs` until stopped; the peaks in
 * MB, to tell the heap from the rest of the RSS. Seldom enough that the
 * sampling costs the measured process nothing to speak of.
 */
export function memoryPeaks(everyMs = 500): () => Record<string, number> {
  const peak = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    for (const key of Object.keys(peak) as Array<keyof typeof peak>) peak[key] = Math.max(peak[key], m[key]);
  };
  const timer = setInterval(sample, everyMs);
  return () => {
    clearInterval(timer);
    sample();
    return Object.fromEntries(Object.entries(peak).map(([k, v]) => [`peak${k[0]!.toUpperCase()}${k.slice(1)}Mb`, round(v / 1024 / 1024, 1)]));
  };
}

/**
 * Least-squares line of y over x: its slope (NaN below two points) and the
 * slope's standard error, which says how far the slope can be trusted (NaN
 * below three).
 */
export function fitLine(points: ReadonlyArray<readonly [number, number]>): { slope: number; stdErr: number } {
  const n = points.length;
  if (n < 2) return { slope: NaN, stdErr: NaN };
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  const b = sxy / sxx;
  let residuals = 0;
  for (const [x, y] of points) residuals += (y - my - b * (x - mx)) ** 2;
  return { slope: b, stdErr: n > 2 ? Math.sqrt(residuals / (n - 2) / sxx) : NaN };
}
