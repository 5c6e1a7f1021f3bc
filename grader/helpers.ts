/**
 * Test helpers that student code cannot swap out.
 *
 * The instructor's locked code cells declare names the test cells rely on (`assertClose`, `assertShape`,
 * `valuesOf`, `tf`, `cfg`, ...). A student cell that declares one of them again would change what a test checks
 * (tslab lets a later cell redeclare a name). Two defences:
 *
 * - every test cell is sent with its own copy of the instructor's helper *functions* it uses (transitively),
 *   declared inside the test's block, so the test calls the instructor's code whatever the global name holds;
 * - a student cell (answer or extra) that declares any name a locked instructor cell declares and a test cell uses
 *   is flagged `shadowed-helper`.
 */
import ts from 'typescript';

export interface Declarations {
  /** name → source text of a top-level function declaration. */
  functions: Map<string, string>;
  /** Every top-level declared name (functions, variables, classes, enums, imports). */
  names: Set<string>;
}

function parse(source: string): ts.SourceFile {
  return ts.createSourceFile('cell.ts', source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

function bindingNames(name: ts.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const e of name.elements) if (!ts.isOmittedExpression(e)) bindingNames(e.name, out);
}

/** Top-level declarations of one cell's source. */
export function topLevelDeclarations(source: string): Declarations {
  const sf = parse(source);
  const functions = new Map<string, string>();
  const names = new Set<string>();
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name) {
      names.add(st.name.text);
      if (st.body) functions.set(st.name.text, st.getText(sf));
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) bindingNames(d.name, names);
    } else if ((ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) && st.name) {
      names.add(st.name.text);
    } else if (ts.isImportDeclaration(st) && st.importClause) {
      const c = st.importClause;
      if (c.name) names.add(c.name.text);
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.add(nb.name.text);
      else if (nb) for (const e of nb.elements) names.add(e.name.text);
    } else if (ts.isImportEqualsDeclaration(st)) names.add(st.name.text);
  }
  return { functions, names };
}

/** Identifiers a source uses (any position: a superset of what it calls). */
export function identifiersIn(source: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) out.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(parse(source));
  return out;
}

/** The instructor's helper functions a test source needs, with the helpers those call (in declaration order). */
export function helpersFor(testSource: string, helpers: Map<string, string>): string[] {
  const need = new Set<string>();
  const queue = [...identifiersIn(testSource)].filter((n) => helpers.has(n));
  while (queue.length) {
    const n = queue.pop()!;
    if (need.has(n)) continue;
    need.add(n);
    for (const m of identifiersIn(helpers.get(n)!)) if (helpers.has(m) && !need.has(m)) queue.push(m);
  }
  return [...helpers.keys()].filter((n) => need.has(n));
}

/**
 * The code sent for a test cell: the instructor's helper functions it uses, declared in a block around the test,
 * so a student's global redefinition cannot reach it. Imports (which cannot sit in a block) keep the cell as is.
 */
export function withFrozenHelpers(testSource: string, helpers: Map<string, string>): string {
  const names = helpersFor(testSource, helpers);
  if (names.length === 0) return testSource;
  if (parse(testSource).statements.some((s) => ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s))) return testSource;
  return `{\n${names.map((n) => helpers.get(n)!).join('\n')}\n${testSource}\n}`;
}
