/**
 * `npm run grade -- merge --out grades shard-1/ shard-2/ ...`: combine the output folders of sharded runs
 * (`--shard i/n`, one per machine or job) into one: every `<assignment>/<student>/` folder is copied, the rosters
 * are joined and the gradebooks are rewritten over all students. A student graded in two shards (the same
 * submission graded twice) keeps the later result, with a note.
 */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../lib/util/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/fs.js';
import { loadAssignment, type GradeResult } from './grade.js';
import { writeGradebooks } from './gradebook.js';
import { listSources } from './release.js';
import { readRegularFile, SAFE_NAME } from './submissions.js';

export interface CombineResult {
  students: number;
  results: number;
  notes: string[];
  gradebook: string;
}

export function combineShards(o: { shardDirs: string[]; outDir: string; sourceDir?: string }): CombineResult {
  check(o.shardDirs.length > 0, 'grade merge', 'shard folders', 'one or more output folders of `npm run grade -- --shard i/n`', o.shardDirs.length, 'list the shard output folders after --out');
  const assignments = listSources(o.sourceDir ?? 'notebooks/homework').map(loadAssignment);
  const students = new Set<string>();
  const chosen = new Map<string, { dir: string; result: GradeResult }>();
  const notes: string[] = [];
  for (const dir of o.shardDirs) {
    const rosterPath = join(dir, 'roster.json');
    check(existsSync(rosterPath), 'grade merge', dir, 'an output folder of `npm run grade` (with roster.json)', dir, 'pass the --out folder of each shard run');
    const roster = JSON.parse(readFileSync(rosterPath, 'utf8')) as { students: string[] };
    for (const s of roster.students) if (SAFE_NAME.test(s)) students.add(s);
    for (const a of assignments) {
      const adir = join(dir, a.name);
      if (!existsSync(adir)) continue;
      for (const s of readdirSync(adir)) {
        const sdir = join(adir, s);
        if (!SAFE_NAME.test(s) || !lstatSync(sdir).isDirectory()) continue;
        const bytes = readRegularFile(join(sdir, 'result.json'));
        if (typeof bytes === 'string') continue;
        const result = JSON.parse(bytes.toString('utf8')) as GradeResult;
        const key = `${a.name}/${s}`;
        const before = chosen.get(key);
        if (before) {
          notes.push(`${key}: graded in ${before.dir} and ${dir}; kept the later result`);
          if (before.result.gradedAt >= result.gradedAt) continue;
        }
        chosen.set(key, { dir, result });
      }
    }
  }
  for (const [key, { dir }] of chosen) {
    for (const f of ['result.json', 'graded.ipynb', 'submitted.ipynb']) {
      const bytes = readRegularFile(join(dir, key, f));
      if (typeof bytes !== 'string') writeFileAtomic(join(o.outDir, key, f), bytes);
    }
  }
  const roster = [...students].sort();
  writeJsonAtomic(join(o.outDir, 'roster.json'), { students: roster, shard: null, mergedFrom: o.shardDirs });
  const { combined } = writeGradebooks(o.outDir, assignments, roster);
  return { students: roster.length, results: chosen.size, notes, gradebook: combined };
}
