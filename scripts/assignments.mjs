// `npm run assignments [-- names...]`: instructor sources in notebooks/homework/ -> student versions in release/.
// See docs/homework.md.
import { build, parseArgs, fail, importBuilt } from './lib/args.mjs';

const usage = `usage: npm run assignments [-- [--source notebooks/homework] [--release release] [--no-build] [names...]]

Writes release/<name>/<name>.ipynb for each instructor notebook (solutions replaced by stubs that throw
'not implemented', hidden tests removed, outputs cleared, locked cells checksummed) and release/index.json.
The instructor notebooks are only read.`;
const args = parseArgs(process.argv.slice(2), { source: { type: 'string', default: 'notebooks/homework' }, release: { type: 'string', default: 'release' }, 'no-build': { type: 'flag' } }, usage);
if (!args['no-build']) await build('assignments');
const { releaseAll } = await importBuilt('../dist-grader/grader/index.js');
let results;
try {
  results = releaseAll({ sourceDir: args.source, releaseDir: args.release, names: args._.map((n) => n.replace(/\.ipynb$/, '')) });
} catch (err) {
  fail(err.message, usage);
}
if (results.length === 0) fail(`no instructor notebooks (*.ipynb) in ${args.source}`, usage);
for (const r of results) {
  console.log(`${r.name}: ${r.points} points (${r.gradeIds.join(', ')}) -> ${r.student}`);
  for (const w of r.warnings) console.log(`  warning: ${w}`);
}
console.log(`released ${results.length} assignment(s) into ${args.release}/ (index: ${args.release}/index.json)`);
