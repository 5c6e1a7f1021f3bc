// Tiny argument parser shared by the homework/handout commands: --name value, --name=value, --flag, positionals.
// Unknown options are errors that list the known ones.
export function parseArgs(argv, spec, usage) {
  const out = { _: [] };
  for (const [k, v] of Object.entries(spec)) if (v.default !== undefined) out[k] = v.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (!a.startsWith('--')) {
      out._.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    const s = spec[name];
    if (!s) fail(`unknown option '--${name}'`, usage);
    if (s.type === 'flag') {
      out[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) fail(`option '--${name}' needs a value (${s.help ?? s.type})`, usage);
    if (s.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n <= 0) fail(`option '--${name}' must be a positive number (got '${value}')`, usage);
      out[name] = n;
    } else if (s.choices && !s.choices.includes(value)) fail(`option '--${name}' must be one of ${s.choices.join(', ')} (got '${value}')`, usage);
    else if (s.type === 'list') out[name] = [...(out[name] ?? []), ...value.split(',').filter(Boolean)];
    else out[name] = value;
  }
  return out;
}

export function fail(message, usage) {
  console.error(`error: ${message}\n\n${usage}`);
  process.exit(2);
}

/** Import the built package module, or explain how to build it. */
export async function importBuilt(rel) {
  const url = new URL(`../../dist/${rel}`, import.meta.url);
  try {
    return await import(url.href);
  } catch (err) {
    console.error(`error: cannot load dist/${rel} (${err.message.split('\n')[0]}). Fix: run 'npm run build' first.`);
    process.exit(1);
  }
}

/**
 * `npm run build` (the graded notebooks import the built package, and these commands import dist/). Build errors
 * elsewhere in the tree are reported but do not stop us: tsc still emits (the notebook runner does the same).
 */
export async function build(name) {
  const { spawnSync } = await import('node:child_process');
  const root = new URL('../..', import.meta.url).pathname;
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.error(`${name}: npm run build reported errors (going on with what it emitted)`);
}
