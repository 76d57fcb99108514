import type { Context } from 'hono';
import { query } from './context.ts';
import { html, type Safe } from './html.ts';

/** Long lists in pages of a fixed size: ?page=N, with links that keep the filters. */

export interface Page {
  page: number;
  pages: number;
  size: number;
  offset: number;
  total: number;
}

/** The page asked for (?page=N), kept within 1…pages. */
export function pageOf(c: Context, total: number, size: number): Page {
  const pages = Math.max(1, Math.ceil(total / size));
  const asked = Number.parseInt(c.req.query('page') ?? '1', 10);
  const page = Math.min(pages, Math.max(1, Number.isFinite(asked) ? asked : 1));
  return { page, pages, size, offset: (page - 1) * size, total };
}

export const slice = <T>(list: T[], p: Page): T[] => list.slice(p.offset, p.offset + p.size);

/** 第 2 / 5 页 with the previous and next pages; nothing when everything fits on one page. */
export function pager(path: string, filters: Record<string, string | undefined>, p: Page): Safe {
  if (p.pages <= 1) return html``;
  const link = (n: number) => {
    const q = query({ ...filters, page: n > 1 ? String(n) : undefined });
    return `${path}${q ? `?${q}` : ''}`;
  };
  return html`<nav class="pager" aria-label="翻页">
${p.page > 1 ? html`<a class="button secondary" href="${link(1)}">第一页</a> <a class="button secondary" href="${link(p.page - 1)}" rel="prev">上一页</a>` : ''}
<span>第 ${p.page} / ${p.pages} 页</span>
${p.page < p.pages ? html`<a class="button secondary" href="${link(p.page + 1)}" rel="next">下一页</a> <a class="button secondary" href="${link(p.pages)}">最后一页</a>` : ''}
</nav>`;
}
