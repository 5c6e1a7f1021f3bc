// Types for scripts/handouts/nav.mjs.
export interface PageRef { name: string; title: string }
export interface Pager { prev: PageRef | null; next: PageRef | null }
export declare function neighbours(order: PageRef[], name: string): Pager;
export declare function pagerHtml(pager: Pager, o?: { where?: 'top' | 'bottom' }): string;
