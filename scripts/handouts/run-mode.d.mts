// Types for scripts/handouts/run-mode.mjs.
export declare function autoModeOf(info?: { engine?: string; device?: string }): '' | 'full' | 'laptop';
export declare function resolvedMode(mode: string | undefined, info?: { engine?: string; device?: string }): string;
