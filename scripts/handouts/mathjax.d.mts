// Types for scripts/handouts/mathjax.mjs.
export declare const SHARED_MATHJAX: string;
export declare const MATHJAX_TAG: string;
export declare function mathjaxPath(): string;
export declare function mathjaxSource(): string;
export declare function inlineMathjax(html: string, source?: string): string;
export declare function writeSharedMathjax(outDir: string): string;
