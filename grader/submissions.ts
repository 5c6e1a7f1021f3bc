/**
 * Finding and staging submissions: `submissions/<student>/<assignment>.ipynb`, checked with lstat (symbolic links,
 * devices, pipes and sockets are refused, each with a row that says why) and read into the grader's memory before
 * any notebook runs (the sandboxes never see the submissions folder), so that nothing a kernel does (or a change to the submissions folder while grading)
 * can change what is graded. Files are opened with O_NOFOLLOW and checked again on the open descriptor.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../lib/util/errors.js';
import type { Notebook } from './notebook.js';

export const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;
/** Submissions larger than this are refused (a notebook with all its outputs is a few MB). */
export const MAX_SUBMISSION_BYTES = 100 * 1024 * 1024;

export interface Found {
  student: string;
  assignment: string;
  path: string;
  /** The submission's bytes, read once (undefined when refused). */
  bytes?: Buffer;
  /** Why it is not graded (a symbolic link, a special file, too large, unreadable). */
  refused?: string;
  note?: string;
}

function kindOf(mode: number): string {
  const t = mode & constants.S_IFMT;
  return t === constants.S_IFLNK ? 'a symbolic link' : t === constants.S_IFDIR ? 'a folder' : t === constants.S_IFIFO ? 'a named pipe' : t === constants.S_IFSOCK ? 'a socket' : t === constants.S_IFCHR || t === constants.S_IFBLK ? 'a device' : 'not a regular file';
}

/** Read a regular file without following a symbolic link; a reason string when it is anything else. */
export function readRegularFile(path: string, maxBytes = MAX_SUBMISSION_BYTES): Buffer | string {
  let st;
  try {
    st = lstatSync(path);
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (!st.isFile()) return `is ${kindOf(st.mode)}, not a notebook file: hand in the .ipynb file itself`;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return `cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) return `is ${kindOf(fst.mode)}, not a notebook file: hand in the .ipynb file itself`;
    if (fst.size > maxBytes) return `is ${(fst.size / 1048576).toFixed(0)} MB, over the ${maxBytes / 1048576} MB limit: clear the outputs (Kernel > Restart & Clear Output) and hand it in again`;
    const buf = Buffer.alloc(fst.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Match and read submissions: by file name, else by the assignment the release wrote into the metadata. Every
 * file is read here, before anything runs.
 */
export function findSubmissions(submissionsDir: string, assignments: string[]): { found: Found[]; skipped: string[]; students: string[] } {
  let dirOk = false;
  try {
    dirOk = lstatSync(submissionsDir).isDirectory() || (lstatSync(submissionsDir).isSymbolicLink() && readdirSync(submissionsDir) !== undefined);
  } catch {
    dirOk = false;
  }
  check(dirOk, 'grade', 'submissionsDir', 'a folder of <student>/<assignment>.ipynb', submissionsDir, 'pass the folder holding one sub-folder per student');
  const found: Found[] = [];
  const skipped: string[] = [];
  const students: string[] = [];
  for (const student of readdirSync(submissionsDir).sort()) {
    if (student.startsWith('.')) continue;
    const dir = join(submissionsDir, student);
    const st = lstatSync(dir);
    if (st.isSymbolicLink()) {
      skipped.push(`${student}/: a symbolic link, not a folder: refused (copy the student's folder in instead)`);
      continue;
    }
    if (!st.isDirectory()) continue;
    if (!SAFE_NAME.test(student)) {
      skipped.push(`${student}/: student folder names must be letters, digits and _.@+- (rename it)`);
      continue;
    }
    students.push(student);
    const taken = new Set<string>();
    const files = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();
    const byName = files.filter((f) => assignments.includes(f.replace(/\.ipynb$/, '')));
    for (const f of byName) {
      const assignment = f.replace(/\.ipynb$/, '');
      const bytes = readRegularFile(join(dir, f));
      found.push(typeof bytes === 'string' ? { student, assignment, path: join(dir, f), refused: `${student}/${f} ${bytes}` } : { student, assignment, path: join(dir, f), bytes });
      taken.add(assignment);
    }
    for (const f of files.filter((x) => !byName.includes(x))) {
      const bytes = readRegularFile(join(dir, f));
      if (typeof bytes === 'string') {
        skipped.push(`${student}/${f}: ${bytes}`);
        continue;
      }
      let meta: string | undefined;
      try {
        meta = ((JSON.parse(bytes.toString('utf8')) as Notebook).metadata?.reprlab as { assignment?: string } | undefined)?.assignment;
      } catch {
        meta = undefined;
      }
      if (meta && assignments.includes(meta) && !taken.has(meta)) {
        found.push({ student, assignment: meta, path: join(dir, f), bytes, note: `file '${f}' graded as ${meta} (from its metadata); please name it ${meta}.ipynb` });
        taken.add(meta);
      } else skipped.push(`${student}/${f}: not an assignment (expected one of ${assignments.map((x) => x + '.ipynb').join(', ')})`);
    }
  }
  return { found, skipped, students };
}
