#!/usr/bin/env node
// Token-class agreement between the two skiff highlighters: the VS Code TextMate grammar
// (editors/vscode/syntaxes/skiff.tmLanguage.json, run with vscode-textmate as VS Code runs it)
// and the tree-sitter grammar's highlights.scm (run with `tree-sitter highlight`, the CLI's
// own highlighter, locals included).
//
// Both are reduced to one class per character (keyword, operator, punctuation, string, escape,
// number, unit, constant, comment, doc-comment, field-name, reference, parameter, module,
// function, type) and compared on every character that is not white space. Any difference is
// printed as file:line:col and fails the run.
//
// Usage:
//   node editors/tests/compare_tokens.mjs --tree-sitter PATH [--dump] [FILE...]
// Without FILE, it compares every examples/**/*.skiff, editors/tests/cases/*.skiff and
// grammar/test/highlight/*.skiff (all valid skiff: the two grammars recover from errors
// differently, so invalid input is not compared).
// --dump prints each file's classes (TextMate, then tree-sitter) line by line.
// --tm-grammar FILE and --grammar-dir DIR replace the grammars, to check that a change in
// either is caught (editors/vscode/test.sh does so on every run). --highlights FILE replaces
// the highlight query: editors/helix/test.sh compares Helix's queries (Helix's capture names)
// with the TextMate grammar, and so, through it, with the grammar's own queries.
//
// Needs `npm ci` in editors/vscode (for vscode-textmate and vscode-oniguruma) and a C compiler
// (the tree-sitter CLI compiles the parser into a temporary directory).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');
const vscodeDir = path.join(repoRoot, 'editors', 'vscode');
let grammarDir = path.join(repoRoot, 'grammar');
const require = createRequire(path.join(vscodeDir, 'package.json'));

// ---- arguments ----

let treeSitter = 'tree-sitter';
let dump = false;
let tmGrammarPath = path.join(vscodeDir, 'syntaxes', 'skiff.tmLanguage.json');
let highlightsPath; // default: the grammar's queries/highlights.scm
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const arg = argv[i];
  if (arg === '--tree-sitter') treeSitter = argv[++i];
  else if (arg === '--tm-grammar') tmGrammarPath = path.resolve(argv[++i]);
  else if (arg === '--grammar-dir') grammarDir = path.resolve(argv[++i]);
  else if (arg === '--highlights') highlightsPath = path.resolve(argv[++i]);
  else if (arg === '--dump') dump = true;
  else if (arg === '-h' || arg === '--help') {
    console.log('usage: compare_tokens.mjs --tree-sitter PATH [--tm-grammar FILE] [--grammar-dir DIR] [--highlights FILE] [--dump] [FILE...]');
    process.exit(0);
  } else if (arg.startsWith('-')) {
    console.error(`compare_tokens: unknown option ${arg}`);
    process.exit(2);
  } else files.push(path.resolve(arg));
}
if (highlightsPath && !highlightsPath.endsWith('highlights.scm')) {
  // The CLI takes a query path for highlights only when its name ends so.
  console.error(`compare_tokens: --highlights needs a file named *highlights.scm: ${highlightsPath}`);
  process.exit(2);
}
if (files.length === 0) {
  const walk = (dir) =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? walk(p) : e.name.endsWith('.skiff') ? [p] : [];
    });
  files.push(...walk(path.join(repoRoot, 'examples')).sort());
  files.push(...walk(path.join(here, 'cases')).sort());
  files.push(...walk(path.join(repoRoot, 'grammar', 'test', 'highlight')).sort());
}
if (files.length === 0) {
  console.error('compare_tokens: no .skiff file to compare');
  process.exit(2);
}
if (!treeSitter.includes('/')) {
  // A bare name: look it up on PATH so that a missing CLI gives a clear message.
  const found = (process.env.PATH || '').split(path.delimiter).map((d) => path.join(d, treeSitter)).find((p) => fs.existsSync(p));
  if (!found) {
    console.error(`compare_tokens: tree-sitter CLI not found on PATH: ${treeSitter} (pass --tree-sitter PATH)`);
    process.exit(2);
  }
  treeSitter = found;
} else if (!fs.existsSync(treeSitter)) {
  console.error(`compare_tokens: tree-sitter CLI not found: ${treeSitter}`);
  process.exit(2);
}
treeSitter = path.resolve(treeSitter);

// ---- classes ----

// The class of a TextMate token, from its scopes. The first rule that matches any scope of the
// token wins, so the order matters: a placeholder inside a string is a string, a quoted key is
// a field name, an escape inside a string is an escape.
const TM_RULES = [
  ['doc-comment', (s) => s.startsWith('comment.line.documentation')],
  ['comment', (s) => s.startsWith('comment.')],
  ['escape', (s) => s.startsWith('constant.character.escape') || s.startsWith('invalid.illegal.escape')],
  ['field-name', (s) => s.startsWith('support.type.property-name') || s.startsWith('variable.other.property')],
  ['string', (s) => s.startsWith('string.')],
  ['unit', (s) => s.startsWith('keyword.other.unit')],
  ['number', (s) => s.startsWith('constant.numeric')],
  ['constant', (s) => s.startsWith('constant.language')],
  ['operator', (s) => s.startsWith('keyword.operator') || s.startsWith('punctuation.separator.key-value')],
  ['keyword', (s) => s.startsWith('keyword.') || s.startsWith('storage.')],
  ['function', (s) => s.startsWith('entity.name.function')],
  ['type', (s) => s.startsWith('entity.name.type') || s.startsWith('support.type') || s.startsWith('entity.other.inherited-class')],
  ['module', (s) => s.startsWith('entity.name.namespace')],
  ['parameter', (s) => s.startsWith('variable.parameter')],
  ['reference', (s) => s.startsWith('variable.')],
  ['punctuation', (s) => s.startsWith('punctuation.')],
];

function tmClass(scopes) {
  for (const [cls, test] of TM_RULES) if (scopes.some(test)) return cls;
  return 'none';
}

// The class of a tree-sitter highlight capture. `variable.parameter` on a reference (a use of
// a parameter, found through locals.scm) is a reference: only the definition and argument
// names are parameters. A unit literal's letters are its unit, the rest its number.
function tsClass(capture, ch, inReference) {
  if (!capture) return 'none';
  const top = capture.split('.')[0];
  switch (capture) {
    case 'comment.documentation': // Neovim's name
    case 'comment.line.documentation': // Helix's
      return 'doc-comment';
    case 'string.escape':
    case 'constant.character.escape':
      return 'escape';
    case 'number.unit':
    case 'constant.numeric': // Helix: unit literals (integers and floats have a subscope)
      return /[A-Za-z]/.test(ch) ? 'unit' : 'number';
    case 'constant.numeric.integer':
    case 'constant.numeric.float':
      return 'number';
    case 'constant.builtin':
    case 'constant.builtin.boolean':
      return 'constant';
    case 'variable.parameter':
      return inReference ? 'reference' : 'parameter';
    case 'variable.other.member':
      return 'field-name';
  }
  switch (top) {
    case 'comment':
      return 'comment';
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'constant';
    case 'keyword':
      return 'keyword';
    case 'operator':
      return 'operator';
    case 'punctuation':
      return 'punctuation';
    case 'property':
      return 'field-name';
    case 'variable':
      return 'reference';
    case 'module':
    case 'namespace':
      return 'module';
    case 'function':
      return 'function';
    case 'type':
      return 'type';
  }
  return `unknown:${capture}`;
}

// ---- tree-sitter ----

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-compare-'));
process.on('exit', () => fs.rmSync(work, { recursive: true, force: true }));

// An isolated CLI configuration, as grammar/test.sh makes: our grammar only, a fresh parser
// library directory, and a theme naming every capture of highlights.scm (the highlighter
// reports only captures that the theme names).
const queryPath = highlightsPath ?? path.join(grammarDir, 'queries', 'highlights.scm');
const captures = [...new Set([...fs.readFileSync(queryPath, 'utf8').matchAll(/@([A-Za-z_][\w.]*)/g)].map((m) => m[1]))];
fs.mkdirSync(path.join(work, 'lib'));
fs.mkdirSync(path.join(work, 'config', 'parsers'), { recursive: true });
fs.symlinkSync(grammarDir, path.join(work, 'config', 'parsers', 'tree-sitter-skiff'));
fs.writeFileSync(
  path.join(work, 'config', 'config.json'),
  JSON.stringify({
    'parser-directories': [path.join(work, 'config', 'parsers')],
    theme: Object.fromEntries(captures.map((c) => [c, '#000000'])),
  }),
);
const tsEnv = { ...process.env, TREE_SITTER_DIR: path.join(work, 'config'), TREE_SITTER_LIBDIR: path.join(work, 'lib') };
const referenceQuery = path.join(work, 'references.scm');
fs.writeFileSync(referenceQuery, '(reference) @reference\n');

function runTs(args) {
  try {
    return execFileSync(treeSitter, args, { env: tsEnv, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    console.error(`compare_tokens: ${treeSitter} ${args.join(' ')} failed:\n${e.stderr || e.message}`);
    process.exit(2);
  }
}

const ENTITIES = { quot: '"', amp: '&', lt: '<', gt: '>', apos: "'" };
const decode = (s) =>
  s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e) =>
    e[0] === '#' ? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : ENTITIES[e] ?? m,
  );

// The capture of every UTF-16 unit of the file, from `tree-sitter highlight --html`: the
// innermost span around a character is its highlight (spans nest: an escape in a string).
function tsCaptures(file, text) {
  const query = highlightsPath ? ['--scope', 'source.skiff', '--query-paths', highlightsPath, '--'] : [];
  const html = runTs(['highlight', '--html', '--style', 'minimal', '--layout', 'fragment', ...query, file]);
  const start = html.indexOf('<code>');
  const end = html.lastIndexOf('</code>');
  if (start < 0 || end < 0) throw new Error(`unexpected tree-sitter highlight output for ${file}`);
  const body = html.slice(start + '<code>'.length, end);
  const out = [];
  const stack = [];
  let chars = '';
  for (const m of body.matchAll(/<span class='([^']*)'>|<\/span>|([^<]+)/g)) {
    if (m[1] !== undefined) stack.push(m[1].split(' ').join('.'));
    else if (m[0] === '</span>') stack.pop();
    else {
      const s = decode(m[2]);
      chars += s;
      for (let i = 0; i < s.length; i++) out.push(stack.at(-1));
    }
  }
  // The highlighter may drop or add a final newline; everything else must be the file itself.
  if (chars.replace(/\n$/, '') !== text.replace(/\n$/, '')) {
    throw new Error(`tree-sitter highlight output for ${file} does not reproduce the file's text`);
  }
  return out;
}

// The UTF-16 ranges of `reference` nodes. The CLI prints (row, byte column) points.
function referenceRanges(file, lines) {
  const out = runTs(['query', referenceQuery, file]);
  const ranges = [];
  for (const m of out.matchAll(/start: \((\d+), (\d+)\), end: \((\d+), (\d+)\)/g)) {
    const [sr, sc, er, ec] = m.slice(1).map(Number);
    ranges.push([sr, byteToUnit(lines[sr], sc), er, byteToUnit(lines[er] ?? '', ec)]);
  }
  return ranges;
}

function byteToUnit(line, byteCol) {
  return Buffer.from(line, 'utf8').subarray(0, byteCol).toString('utf8').length;
}

// ---- TextMate ----

const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');
const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) =>
    scopeName === 'source.skiff' ? vsctm.parseRawGrammar(fs.readFileSync(tmGrammarPath, 'utf8'), tmGrammarPath) : null,
});
const tmGrammar = await registry.loadGrammar('source.skiff');

function tmScopes(lines) {
  let state = vsctm.INITIAL;
  return lines.map((line) => {
    const r = tmGrammar.tokenizeLine(line, state);
    state = r.ruleStack;
    const perChar = new Array(line.length);
    for (const t of r.tokens) for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) perChar[i] = t.scopes;
    return perChar;
  });
}

// ---- compare ----

let compared = 0;
let disagreements = 0;
const MAX_REPORTED = 200;

for (const file of files) {
  const rel = path.relative(process.cwd(), file) || file;
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const tsCaps = tsCaptures(file, text);
  const refs = referenceRanges(file, lines);
  const inReference = (row, col) =>
    refs.some(([sr, sc, er, ec]) => (row > sr || (row === sr && col >= sc)) && (row < er || (row === er && col < ec)));
  const tm = tmScopes(lines);

  let offset = 0;
  for (let row = 0; row < lines.length; row++) {
    const line = lines[row];
    const rowTm = [];
    const rowTs = [];
    // Runs of characters on which the two disagree, reported once each.
    let run = null;
    const flush = () => {
      if (!run) return;
      disagreements++;
      if (disagreements <= MAX_REPORTED) {
        console.log(
          `${rel}:${row + 1}:${run.start + 1}: \`${line.slice(run.start, run.end)}\`: TextMate says ${run.tm} ` +
            `(${run.scopes.slice(1).join(' ') || 'no scope'}), tree-sitter says ${run.ts} (${run.capture ?? 'no capture'})`,
        );
      }
      run = null;
    };
    for (let col = 0; col < line.length; col++) {
      const ch = line[col];
      const capture = tsCaps[offset + col];
      const a = tmClass(tm[row][col] ?? []);
      const b = tsClass(capture, ch, inReference(row, col));
      rowTm.push(a);
      rowTs.push(b);
      if (/\s/.test(ch)) {
        flush();
        continue;
      }
      compared++;
      if (a !== b) {
        if (run && run.tm === a && run.ts === b && run.end === col) run.end = col + 1;
        else {
          flush();
          run = { start: col, end: col + 1, tm: a, ts: b, scopes: tm[row][col] ?? [], capture };
        }
      } else flush();
    }
    flush();
    if (dump) {
      const squash = (cls) => {
        const parts = [];
        for (let i = 0; i < cls.length; i++) {
          if (/\s/.test(line[i])) continue;
          if (parts.length && parts.at(-1).cls === cls[i] && parts.at(-1).end === i) {
            parts.at(-1).end = i + 1;
          } else parts.push({ cls: cls[i], start: i, end: i + 1 });
        }
        return parts.map((p) => `${line.slice(p.start, p.end)}=${p.cls}`).join(' ');
      };
      console.log(`${rel}:${row + 1}\n  tm ${squash(rowTm)}\n  ts ${squash(rowTs)}`);
    }
    offset += line.length + 1;
  }
}

if (disagreements > MAX_REPORTED) console.log(`... and ${disagreements - MAX_REPORTED} more`);
const summary = `compare_tokens: ${files.length} files, ${compared} characters compared, ${disagreements} disagreements`;
if (disagreements > 0) {
  console.log(`FAIL ${summary}`);
  process.exitCode = 1;
} else {
  console.log(`OK ${summary}`);
}
