import { html, type Safe } from './html.ts';

/**
 * Charts drawn on the server as SVG: no script, no CDN, no inline style (the CSP forbids it), and
 * readable without colour (each column has a text title, and the totals are written out).
 */

export interface Stack {
  label: string;
  /** Bottom to top, in the order of the series. */
  values: number[];
}

export interface Series {
  name: string;
  /** A CSS class from the console stylesheet (fill colour). */
  cls: string;
}

const COL = 28;
const GAP = 8;
const TOP = 14;
const PLOT = 120;
const AXIS = 28;

/** Stacked columns, one per label (e.g. per day), with a legend and the totals underneath. */
export function stackedColumns(title: string, series: Series[], stacks: Stack[], empty = '这段时间还没有数据。'): Safe {
  const max = Math.max(1, ...stacks.map((s) => s.values.reduce((a, b) => a + b, 0)));
  const width = AXIS + stacks.length * (COL + GAP);
  const height = TOP + PLOT + 24;
  const y = (v: number) => (v / max) * PLOT;
  const totals = series.map((_, i) => stacks.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const all = totals.reduce((a, b) => a + b, 0);
  const columns = stacks.map((s, i) => {
    const x = AXIS + i * (COL + GAP);
    let base = TOP + PLOT;
    const parts = s.values.map((v, k) => {
      const h = y(v);
      base -= h;
      return v ? html`<rect class="${series[k]!.cls}" x="${x}" y="${base.toFixed(1)}" width="${COL}" height="${h.toFixed(1)}"></rect>` : '';
    });
    const sum = s.values.reduce((a, b) => a + b, 0);
    const tip = `${s.label}：${series.map((se, k) => `${se.name} ${s.values[k] ?? 0}`).join('，')}`;
    return html`<g><title>${tip}</title>${parts}${sum ? html`<text class="n" x="${x + COL / 2}" y="${(base - 3).toFixed(1)}">${sum}</text>` : ''}<text class="d" x="${x + COL / 2}" y="${TOP + PLOT + 14}">${s.label}</text></g>`;
  });
  return html`<section class="card chart"><h3>${title}</h3>
<ul class="legend">${series.map((s, i) => html`<li><span class="key ${s.cls}"></span>${s.name} ${totals[i]}${all ? `（${Math.round(((totals[i] ?? 0) / all) * 100)}%）` : ''}</li>`)}</ul>
${all
  ? html`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}">
<text class="axis" x="${AXIS - 4}" y="${TOP + 4}">${max}</text><text class="axis" x="${AXIS - 4}" y="${TOP + PLOT}">0</text>
<line class="base" x1="${AXIS}" x2="${width}" y1="${TOP + PLOT}" y2="${TOP + PLOT}"></line>
${columns}</svg>`
  : html`<p class="muted">${empty}</p>`}
</section>`;
}
