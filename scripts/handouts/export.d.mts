// Types for scripts/handouts/export.mjs (so TypeScript tests can import it).
import type { Browser, Page } from 'playwright-core';

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
export declare function decorateHtml(html: string, o?: { title?: string; banner?: string; failure?: { cell: number | null; error?: string } }): string;
export declare function withPromptNumbers<T extends { cells: Array<{ cell_type: string; execution_count?: number | null }> }>(nb: T, lastCell?: number): T;
export declare function nbconvertHtml(ipynb: string, o?: { python?: string; lastCell?: number }): string;
export declare function errorPage(o: { title: string; banner: string; failure: { cell: number | null; error?: string } }): string;
export declare function notebookTitle(ipynb: string): string;
export declare function backendLine(ipynb: string): string;
export declare function launchChromium(): Promise<Browser>;
export declare function openHandout(browser: Browser, htmlPath: string, o?: { width?: number; height?: number; timeout?: number }): Promise<{ page: Page; figures: number; drawn: number; errors: string[] }>;
export declare function printPdf(browser: Browser, htmlPath: string, pdfPath: string): Promise<{ figures: number; drawn: number; errors: string[] }>;
export interface HandoutEntry { name: string; title: string; mode: string; html: string; pdf: string | null; ok: boolean; cell: number | null; error: string; seconds: number; backend: string }
export declare function indexHtml(entries: HandoutEntry[], o: { mode: string; generated?: Date }): string;
export interface ExportOptions {
  names?: string[];
  mode?: 'smoke' | 'full';
  backend?: string;
  timeout?: number;
  outDir?: string;
  notebooksDir?: string;
  pdf?: boolean;
  execute?: boolean;
  log?: (line: string) => void;
}
export declare function exportHandouts(o?: ExportOptions): Promise<{ entries: HandoutEntry[]; failed: HandoutEntry[]; index: string; outDir: string }>;
