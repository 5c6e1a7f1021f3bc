// Types for scripts/nb.mjs (the notebook generator).
export interface SourceCell {
  type: 'markdown' | 'code';
  source: string;
  tags?: string[];
}
export interface NotebookJson {
  cells: { cell_type: string; id: string; metadata: Record<string, unknown>; source: string[]; outputs?: unknown[]; execution_count?: null }[];
  metadata: Record<string, unknown>;
  nbformat: number;
  nbformat_minor: number;
}
export declare const SRC_DIR: string;
export declare const OUT_DIR: string;
export declare const NOTEBOOK_METADATA: Record<string, unknown>;
export declare function parseSource(text: string): SourceCell[];
export declare function sourceToNotebook(text: string): NotebookJson;
export declare function notebookJson(nb: NotebookJson): string;
export declare function notebookToSource(nb: { cells: { cell_type: string; source: string | string[]; metadata?: { tags?: string[] } }[] }): string;
export declare function outPathFor(src: string): string;
