// Previous/next links between handouts, in course order (the notebooks' file names sorted: 00-setup, 01-…, …).
import { escapeHtml } from './html.mjs';

/**
 * The neighbours of `name` in `order` (a list of { name, title }, course order, only handouts that have a page):
 * { prev, next }, each an entry or null. A name not in the list has no neighbours.
 */
export function neighbours(order, name) {
  const i = order.findIndex((e) => e.name === name);
  if (i < 0) return { prev: null, next: null };
  return { prev: order[i - 1] ?? null, next: order[i + 1] ?? null };
}

/** The pager: ← previous · all handouts · next → (relative links: the pages lie side by side). */
export function pagerHtml({ prev, next }, { where = 'top' } = {}) {
  const link = (e, rel, arrow) =>
    e ? `<a class="reprlab-${rel}" rel="${rel}" href="${escapeHtml(e.name)}.html">${rel === 'prev' ? `${arrow} ` : ''}${escapeHtml(e.name)} · ${escapeHtml(e.title)}${rel === 'next' ? ` ${arrow}` : ''}</a>` : `<span class="reprlab-${rel}"></span>`;
  return `<nav class="reprlab-pager reprlab-pager-${where}" aria-label="Handouts">${link(prev, 'prev', '←')}<a class="reprlab-all" href="index.html">all handouts</a>${link(next, 'next', '→')}</nav>`;
}
