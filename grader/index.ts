/**
 * reprlab/grader: the homework tooling (instructors only; not part of the library the notebooks import).
 * Release student versions of instructor notebooks (nbgrader conventions) and grade submissions in a sandbox.
 */
export * from './notebook.js';
export * from './cells.js';
export * from './regions.js';
export * from './release.js';
export * from './merge.js';
export * from './helpers.js';
export * from './sandbox.js';
export * from './execute.js';
export * from './grade.js';
export * from './gradebook.js';
export * from './submissions.js';
export * from './batch.js';
export * from './combine.js';
export * from './csv.js';
export * from './checks.js';
export * from './references.js';
export * from './scan.js';
