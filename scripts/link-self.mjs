// Make the package importable by its own name from anywhere in the tree (notebooks/ in particular):
// tslab resolves modules with TypeScript's node10 rules, which do not know package self-reference,
// so node_modules/reprlab -> .. is what lets a notebook write `import { ... } from 'reprlab'`.
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const link = join(root, 'node_modules', 'reprlab');
mkdirSync(dirname(link), { recursive: true });
if (existsSync(link) || (() => { try { return lstatSync(link).isSymbolicLink(); } catch { return false; } })()) {
  if (lstatSync(link).isSymbolicLink()) rmSync(link);
  else throw new Error(`link-self: ${link} exists and is not a symlink; remove it and run 'npm run build' again`);
}
symlinkSync('..', link, 'dir');
