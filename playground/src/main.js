// The playground: a few files in tabs, each in a CodeMirror editor; diagnostics of every file as
// you type; hover on a call to see the merged pod with each value's origin; the compiled output
// for each target. Every answer comes from the skiff engine (src/engine.js); this file renders.
import { EditorView, basicSetup } from 'codemirror';
import { EditorState } from '@codemirror/state';
import { hoverTooltip } from '@codemirror/view';
import { setDiagnostics, lintGutter } from '@codemirror/lint';
import { yaml } from '@codemirror/lang-yaml';
import { loadEngine } from './engine.js';
import { FILES } from './workspace.js';

/** What the browser test reads: the load time (from the navigation's start to a checked,
 * compiled workspace on screen), and each keystroke's time to fresh diagnostics. */
const stats = (window.skiffStats = { loadMs: null, diagnosticsMs: [], ready: false });

const $ = (id) => document.getElementById(id);
const engine = await loadEngine(new URL('skiff.wasm', import.meta.url));
for (const file of FILES) engine.call({ method: 'setFile', path: file.path, text: file.text });

let current = FILES[0].path;
let keyAt = null;
const states = new Map();
const view = new EditorView({ parent: $('editor') });

function markdownToHtml(markdown) {
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const inline = (s) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>');
  const out = [];
  const parts = markdown.split(/^```(\w*)\n([\s\S]*?)^```$/m);
  for (let i = 0; i < parts.length; i += 3) {
    for (const para of parts[i].split(/\n\n+/)) if (para.trim()) out.push(`<p>${inline(para.trim()).replace(/\n/g, '<br>')}</p>`);
    if (i + 2 < parts.length) out.push(`<pre class="code ${parts[i + 1]}">${escape(parts[i + 2])}</pre>`);
  }
  return out.join('');
}

const hover = hoverTooltip((_view, pos) => {
  const answer = engine.call({ method: 'hover', path: current, offset: pos });
  if (!answer) return null;
  return {
    pos: answer.from,
    end: answer.to,
    above: true,
    create() {
      const dom = document.createElement('div');
      dom.className = 'skiff-hover';
      dom.innerHTML = markdownToHtml(answer.markdown);
      return { dom };
    },
  };
});

function makeState(file) {
  const extensions = [
    basicSetup,
    lintGutter(),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) {
        engine.call({ method: 'setFile', path: current, text: update.state.doc.toString() });
        states.set(current, update.state);
        // Not inside this update: the editor takes no new transaction until it is done.
        queueMicrotask(refresh);
      }
    }),
  ];
  if (file.path.endsWith('.skiff')) extensions.push(hover);
  if (file.path.endsWith('.yaml') || file.path.endsWith('.yml')) extensions.push(yaml());
  return EditorState.create({ doc: file.text, extensions });
}

for (const file of FILES) states.set(file.path, makeState(file));

function showTabs() {
  const tabs = $('tabs');
  tabs.replaceChildren(
    ...FILES.map((file) => {
      const button = document.createElement('button');
      button.textContent = file.path;
      button.className = file.path === current ? 'tab active' : 'tab';
      button.dataset.path = file.path;
      button.onclick = () => open(file.path);
      return button;
    }),
  );
}

function open(path) {
  if (current !== path) states.set(current, view.state);
  current = path;
  view.setState(states.get(path));
  showTabs();
  refresh();
}

let all = [];
function refresh() {
  try {
    all = engine.call({ method: 'diagnostics' });
  } catch (error) {
    // A panic in the engine aborts the module (wasm32-wasip1 has no unwinding): say so once.
    $('problems-count').textContent = `the skiff engine stopped (${error.message}): reload the page`;
    throw error;
  }
  const mine = all
    .filter((d) => d.path === current)
    .map((d) => ({ from: d.from, to: Math.max(d.to, d.from), severity: d.severity, message: `${d.message} [${d.code}]`, source: 'skiff' }));
  view.dispatch(setDiagnostics(view.state, mine));
  if (keyAt !== null) {
    stats.diagnosticsMs.push(performance.now() - keyAt);
    keyAt = null;
  }
  const list = $('problems');
  list.replaceChildren(
    ...all.map((d) => {
      const item = document.createElement('li');
      item.className = d.severity;
      item.textContent = `${d.path}: ${d.severity} [${d.code}] ${d.message.split('\n')[0]}`;
      item.onclick = () => {
        open(d.path);
        view.dispatch({ selection: { anchor: d.from }, scrollIntoView: true });
        view.focus();
      };
      return item;
    }),
  );
  $('problems-count').textContent = all.length === 0 ? 'no problems' : `${all.length} problem${all.length === 1 ? '' : 's'}`;
  build();
}

function build() {
  const target = $('target').value;
  const out = $('output');
  try {
    out.textContent = engine.call({ method: 'build', target });
    out.className = 'ok';
  } catch (error) {
    out.textContent = `# skiff build --target ${target}: ${error.message}`;
    out.className = 'error';
  }
}

$('target').onchange = build;
// Keystroke to diagnostics: from the key's event to the diagnostics set in the editor.
view.dom.addEventListener('keydown', () => (keyAt = performance.now()), true);
open(current);
stats.loadMs = performance.now();
stats.ready = true;
document.body.classList.add('ready');
