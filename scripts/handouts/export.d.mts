// Types for scripts/handouts/export.mjs (so TypeScript tests can import it).
import type { Browser, Page } from 'playwright-core';
import type { Pager } from './nav.mjs';

export declare const TEMPLATE_DIR: string;
export declare const HANDOUTS_DIR: string;
export declare const CHROMIUM: string;
export declare const CHROMIUM_ARGS: string[];
export declare function writeFileAtomic(path: string, data: string | Uint8Array): void;
export declare function escapeHtml(text: string): string;
export declare function textOf(html: string): string;
export interface Heading { level: number; id: string; text: string }
export declare function headingsOf(html: string): Heading[];
export declare function tocHtml(headings: Heading[]): string;
export declare function decorateHtml(html: string, o?: { title?: string; banner?: string; notice?: string; failure?: { cell: number | null; error?: string }; pager?: Pager }): string;
export declare function withPromptNumbers<T extends { cells: Array<{ cell_type: string; execution_count?: number | null }> }>(nb: T, lastCell?: number): T;
export declare function nbconvertHtml(ipynb: string, o?: { python?: string; lastCell?: number }): string;
export declare function errorPage(o: { title: string; banner: string; failure: { cell: number | null; error?: string }; pager?: Pager }): string;
export declare function notebookTitle(ipynb: string): string;
export declare function backendLine(ipynb: string): string;
export interface RunInfo { mode: string; engine: string; device: string }
export declare function runInfo(ipynb: string, requestedMode?: string): RunInfo;
/** The banner line; `seed` (the run's REPRLAB_SEED) is shown when it is not 0. */
export declare function runBannerHtml(info: RunInfo & { seed?: number }): { run: string; notice: string };
export declare const SMOKE_NOTICE: string;
export declare const LAPTOP_NOTICE: string;
export declare const PLOTLY_INLINE: RegExp;
export declare const SHARED_PLOTLY: string;
export declare function externalisePlotly(html: string): { html: string; plotly: string };
export declare function launchChromium(): Promise<Browser>;
export declare function openHandout(browser: Browser, htmlPath: string, o?: { width?: number; height?: number; timeout?: number }): Promise<{ page: Page; figures: number; drawn: number; errors: string[] }>;
export declare function printPdf(browser: Browser, htmlPath: string, pdfPath: string): Promise<{ figures: number; drawn: number; errors: string[] }>;
export interface HandoutEntry { name: string; title: string; mode: string; html: string; pdf: string | null; ok: boolean; cell: number | null; error: string; seconds: number; backend: string; engine?: string; device?: string; seed?: number }
export declare function indexHtml(entries: HandoutEntry[], o: { mode: string; generated?: Date }): string;
export interface ExportOptions {
  names?: string[];
  mode?: 'smoke' | 'laptop' | 'full' | 'auto';
  backend?: string;
  /** REPRLAB_SEED for the kernels (default: inherited, else 0); shown in the banner when not 0. */
  seed?: number | string;
  timeout?: number;
  outDir?: string;
  notebooksDir?: string;
  pdf?: boolean;
  /** Each page carries plotly.js inline (default false: pages share <outDir>/plotly.min.js). */
  standalone?: boolean;
  execute?: boolean;
  log?: (line: string) => void;
}
export declare function exportHandouts(o?: ExportOptions): Promise<{ entries: HandoutEntry[]; failed: HandoutEntry[]; index: string; outDir: string }>;
