/** Homework: release student versions of instructor notebooks (nbgrader conventions) and grade submissions. */
export * from './notebook.js';
export * from './cells.js';
export * from './regions.js';
export * from './release.js';
export * from './merge.js';
export * from './execute.js';
export * from './grade.js';
export * from './csv.js';
