import { extent } from '../core/arrays.js';
/**
 * Minimal SVG charts with no dependency: line charts and scatter plots with axes, ticks and a legend.
 * Pure string building (no DOM, no Node built-ins), so reports can be written anywhere.
 */

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** 'line' (default) or 'points'. */
  style?: 'line' | 'points';
  /** Dashed line. */
  dashed?: boolean;
}

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  /** Logarithmic y axis (non-positive values are dropped). */
  logY?: boolean;
  /** Fixed axis ranges. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Keep at most this many points per series (evenly thinned); default 2,000. */
  maxPoints?: number;
}

let chartCounter = 0;

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/**
 * @example
 * escapeXml('a < b'); // 'a &lt; b'
 */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(Number(v.toPrecision(3)));
}

/**
 * A line/scatter chart as an SVG string.
 * @example
 * const svg = chart([{ name: 'energy error', x: t, y: err }], { title: 'pendulum', logY: true });
 */
export function chart(series: Series[], options: ChartOptions = {}): string {
  const W = options.width ?? 560,
    H = options.height ?? 340;
  const m = { l: 64, r: 16, t: options.title ? 30 : 12, b: 44 };
  const maxPoints = options.maxPoints ?? 2000;
  const tf = (v: number) => (options.logY ? Math.log10(v) : v);
  const prepared = series.map((s, i) => {
    const n = Math.min(s.x.length, s.y.length);
    const stride = Math.max(1, Math.ceil(n / maxPoints));
    const pts: Array<[number, number]> = [];
    for (let k = 0; k < n; k += stride) {
      const y = s.y[k];
      if (!Number.isFinite(s.x[k]) || !Number.isFinite(y) || (options.logY && y <= 0)) continue;
      pts.push([s.x[k], tf(y)]);
    }
    return { ...s, color: s.color ?? PALETTE[i % PALETTE.length], pts };
  });
  const all = prepared.flatMap((s) => s.pts);
  let [x0, x1] = options.xRange ?? extent(all.map((p) => p[0]));
  let [y0, y1] = options.yRange ? [tf(options.yRange[0]), tf(options.yRange[1])] : extent(all.map((p) => p[1]));
  if (!Number.isFinite(x0) || !Number.isFinite(x1)) [x0, x1] = [0, 1];
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - 1, y1 + 1];
  const pad = (y1 - y0) * 0.04;
  if (!options.yRange) [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
  const sy = (v: number) => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`);
  if (options.title) out.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>`);
  out.push(`<g stroke="#ccc" stroke-width="0.5">`);
  const xt = niceTicks(x0, x1),
    yt = options.logY ? niceTicks(Math.ceil(y0), Math.floor(y1), 6).filter(Number.isInteger) : niceTicks(y0, y1);
  for (const t of xt) out.push(`<line x1="${sx(t).toFixed(1)}" y1="${m.t}" x2="${sx(t).toFixed(1)}" y2="${H - m.b}"/>`);
  for (const t of yt) out.push(`<line x1="${m.l}" y1="${sy(t).toFixed(1)}" x2="${W - m.r}" y2="${sy(t).toFixed(1)}"/>`);
  out.push('</g>');
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  for (const t of xt) out.push(`<text x="${sx(t).toFixed(1)}" y="${H - m.b + 14}" text-anchor="middle">${fmt(t)}</text>`);
  for (const t of yt) out.push(`<text x="${m.l - 5}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${options.logY ? `1e${t}` : fmt(t)}</text>`);
  if (options.xLabel) out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  if (options.yLabel) out.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`);
  const clipId = `plot${++chartCounter}`;
  out.push(`<clipPath id="${clipId}"><rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}"/></clipPath>`);
  out.push(`<g clip-path="url(#${clipId})">`);
  for (const s of prepared) {
    if (s.pts.length === 0) continue;
    if (s.style === 'points') {
      for (const [x, y] of s.pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="2" fill="${s.color}" fill-opacity="0.6"/>`);
    } else {
      const d = s.pts.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join('');
      out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="5 4"' : ''}/>`);
    }
  }
  out.push('</g>');
  prepared.forEach((s, i) => {
    const y = m.t + 14 + i * 15;
    out.push(`<rect x="${m.l + 8}" y="${y - 8}" width="10" height="10" fill="${s.color}"/><text x="${m.l + 22}" y="${y + 1}">${escapeXml(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}
