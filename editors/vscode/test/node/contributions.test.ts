// What package.json contributes: the language, the grammar, the language configuration and the
// snippets. Every snippet, expanded with its defaults, must be skiff that tree-sitter parses
// without an error (the CLI comes from SKIFF_TREE_SITTER, or the repository's .tools/bin).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');
const repo = path.resolve(root, '..', '..');
const read = (p: string) => JSON.parse(fs.readFileSync(path.join(root, p), 'utf8'));
const pkg = read('package.json');
const langConfig = read('language-configuration.json');
const snippets: Record<string, { prefix: string; body: string[]; description: string }> = read('snippets/skiff.json');

test('the skiff language, its grammar and its files', () => {
  const [lang] = pkg.contributes.languages;
  assert.equal(lang.id, 'skiff');
  assert.deepEqual(lang.extensions, ['.skiff']);
  assert.ok(lang.aliases.includes('skiff'));
  const [grammar] = pkg.contributes.grammars;
  assert.equal(grammar.language, 'skiff');
  assert.equal(grammar.scopeName, 'source.skiff');
  assert.equal(read(grammar.path).scopeName, 'source.skiff');
  assert.deepEqual(read(lang.configuration), langConfig);
  assert.equal(pkg.contributes.snippets[0].language, 'skiff');
  assert.deepEqual(read(pkg.contributes.snippets[0].path), snippets);
  assert.equal(pkg.main, './dist/extension.js');
  assert.ok(pkg.activationEvents.includes('onLanguage:skiff'));
});

test('the settings (server path and trace) and the commands', () => {
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['skiff.server.path'].default, 'skiff');
  assert.equal(props['skiff.server.path'].type, 'string');
  assert.match(props['skiff.server.path'].markdownDescription, /cargo install --path crates\/skiff-cli/);
  assert.deepEqual(props['skiff.trace.server'].enum, ['off', 'messages', 'verbose']);
  assert.equal(props['skiff.trace.server'].default, 'off');
  const commands = pkg.contributes.commands.map((c: { command: string }) => c.command);
  assert.deepEqual(commands.sort(), ['skiff.restartServer', 'skiff.showEffectivePod', 'skiff.showOutput']);
  // The effective pod view opens from the title bar of a skiff editor.
  assert.deepEqual(pkg.contributes.menus['editor/title'], [
    { command: 'skiff.showEffectivePod', when: 'editorLangId == skiff', group: 'navigation' },
  ]);
});

test('the engine is one vscode-languageclient supports', () => {
  const lc = JSON.parse(fs.readFileSync(require.resolve('vscode-languageclient/package.json'), 'utf8'));
  assert.equal(pkg.engines.vscode, lc.engines.vscode);
  assert.equal(pkg.devDependencies['@types/vscode'], lc.engines.vscode.replace('^', ''));
});

test('comments, brackets, pairs', () => {
  assert.deepEqual(langConfig.comments, { lineComment: '//' });
  assert.deepEqual(langConfig.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  const closing = Object.fromEntries(langConfig.autoClosingPairs.map((p: { open: string; close: string }) => [p.open, p]));
  for (const [o, c] of [['{', '}'], ['[', ']'], ['(', ')'], ['"', '"']]) assert.equal(closing[o].close, c);
  assert.deepEqual(closing['"'].notIn, ['string', 'comment']);
  assert.deepEqual(langConfig.surroundingPairs, [['{', '}'], ['[', ']'], ['(', ')'], ['"', '"']]);
});

test('Enter continues a /// doc comment, and nothing else', () => {
  const [rule] = langConfig.onEnterRules;
  const before = new RegExp(rule.beforeText);
  assert.equal(rule.action.appendText, '/// ');
  for (const line of ['/// Trains a model.', '  /// indented', '///']) assert.ok(before.test(line), line);
  for (const line of ['// a comment', '//// four slashes', 'image: "x" // trailing', 'let a = f()']) {
    assert.ok(!before.test(line), line);
  }
});

test('indentation follows brackets', () => {
  const inc = new RegExp(langConfig.indentationRules.increaseIndentPattern);
  const dec = new RegExp(langConfig.indentationRules.decreaseIndentPattern);
  for (const line of ['task t(x: int) -> File {', '  resources {', '  args: [', 'task t(', '  override pod_template { // c']) {
    assert.ok(inc.test(line), line);
  }
  for (const line of ['  image: "x"', '  a { b: 1 }', '  args: ["a", "b"]', '// {', '  s: "{"']) assert.ok(!inc.test(line), line);
  for (const line of ['}', '  ]', ') -> File {']) assert.ok(dec.test(line), line);
  assert.ok(!dec.test('  image: "}"'));
});

/** A snippet's text with each placeholder at its default (first choice, nested ones too). */
function expand(body: string[]): string {
  let s = body.join('\n');
  for (let prev = ''; prev !== s; ) {
    prev = s;
    s = s.replace(/\$\{\d+:([^${}]*)\}/g, '$1');
  }
  return s.replace(/\$\{\d+\|([^,|]*)[^|]*\|\}/g, '$1').replace(/\$\d+/g, '').replace(/\t/g, '  ');
}

test('the snippets the brief asks for are there, with descriptions', () => {
  const prefixes = Object.values(snippets).map((s) => s.prefix);
  for (const p of ['task', 'workflow', 'pod_template', 'override', 'let', 'import']) assert.ok(prefixes.includes(p), p);
  for (const [name, s] of Object.entries(snippets)) assert.ok(s.description.length > 10, name);
  assert.equal(expand(['a ${1:b${2:c}} ${3|x,y|} $0']), 'a bc x ');
});

test('every snippet expands to skiff that tree-sitter parses', (t) => {
  const ts = process.env.SKIFF_TREE_SITTER || path.join(repo, '.tools', 'bin', 'tree-sitter');
  if (!fs.existsSync(ts)) {
    t.skip(`no tree-sitter CLI at ${ts} (set SKIFF_TREE_SITTER)`);
    return;
  }
  const statements = ['let', 'override', 'override resources'];
  const items = Object.entries(snippets)
    .filter(([name]) => !statements.includes(name))
    .map(([, s]) => expand(s.body));
  const inWorkflow = statements.map((name) => expand(snippets[name].body).replace(/^/gm, '  '));
  const file = `${items.join('\n\n')}\n\nworkflow w() {\n${inWorkflow.join('\n')}\n}\n`;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-snippets-'));
  fs.mkdirSync(path.join(work, 'lib'));
  fs.mkdirSync(path.join(work, 'config', 'parsers'), { recursive: true });
  fs.symlinkSync(path.join(repo, 'grammar'), path.join(work, 'config', 'parsers', 'tree-sitter-skiff'));
  fs.writeFileSync(path.join(work, 'config', 'config.json'), JSON.stringify({ 'parser-directories': [path.join(work, 'config', 'parsers')] }));
  const input = path.join(work, 'snippets.skiff');
  fs.writeFileSync(input, file);
  let tree: string;
  try {
    tree = execFileSync(ts, ['parse', input], {
      env: { ...process.env, TREE_SITTER_DIR: path.join(work, 'config'), TREE_SITTER_LIBDIR: path.join(work, 'lib') },
      encoding: 'utf8',
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    assert.fail(`tree-sitter parse failed on the expanded snippets:\n${file}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  assert.doesNotMatch(tree, /\((ERROR|MISSING)[ )]/, file);
  for (const node of ['import', 'template', 'task', 'workflow', 'let_statement', 'override']) assert.match(tree, new RegExp(`\\(${node}[ )]`), node);
});
