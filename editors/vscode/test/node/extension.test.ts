// The bundled extension (dist/extension.js, built by `npm run build`) activated against a stand-in
// for the `vscode` module: what the user sees when the server binary is missing, when it starts
// but `skiff lsp` fails (a skiff without the language server), and when a server answers.
//
// The stand-in for `vscode` is test/node/vscode-stub.ts.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadExtension, state } from './vscode-stub';

const extension = loadExtension();

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-vscode-ext-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const context = { subscriptions: [] as { dispose(): unknown }[] };

function script(name: string, body: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, body, { mode: 0o755 });
  return p;
}

function reset(serverPath: string) {
  state.errors.length = 0;
  state.log.length = 0;
  state.settings['skiff.server.path'] = serverPath;
}

async function changeSettings() {
  for (const l of state.configListeners) l({ affectsConfiguration: (s) => 'skiff.server.path'.startsWith(s) });
  await extension.deactivate(); // waits for the queued restart, then stops
}

test('a missing binary: one error message with the setting and the install command', async () => {
  reset(path.join(tmp, 'no-such-skiff'));
  await extension.activate(context);
  assert.equal(state.errors.length, 1, state.errors.join('\n'));
  assert.match(state.errors[0], /skiff\.server\.path/);
  assert.match(state.errors[0], /cargo install --path crates\/skiff-cli/);
  assert.match(state.errors[0], /no-such-skiff" does not exist/);
  assert.ok(state.commands.has('skiff.restartServer'));
  assert.ok(state.commands.has('skiff.showOutput'));

  // Each attempt reports once: a restart asks again, and says it again.
  await state.commands.get('skiff.restartServer')!();
  assert.equal(state.errors.length, 2);
  await extension.deactivate();
});

test('a name that is not on PATH is reported the same way', async () => {
  reset('skiff-not-on-path-anywhere');
  await changeSettings();
  assert.equal(state.errors.length, 1);
  assert.match(state.errors[0], /"skiff-not-on-path-anywhere" was not found on PATH/);
});

test('a skiff without `lsp`: one error message, no restart loop', async () => {
  const runs = path.join(tmp, 'runs');
  // It reads the whole `initialize` request before it fails: a process that is gone while the
  // client writes makes vscode-jsonrpc 8.2 leave a rejected write promise unhandled (harmless in
  // VS Code, which only logs it, but the test runner fails a file for it).
  const bin = script(
    'old-skiff',
    `#!/usr/bin/env node
require('fs').appendFileSync(${JSON.stringify(runs)}, 'run\\n');
let buf = '';
process.stdin.on('data', (d) => {
  buf += d;
  const m = /Content-Length: (\\d+)\\r\\n\\r\\n/.exec(buf);
  if (m && Buffer.byteLength(buf.slice(m.index + m[0].length)) >= Number(m[1])) {
    process.stderr.write("error: unrecognized subcommand '" + process.argv[2] + "'\\n");
    process.exit(2);
  }
});
`,
  );
  reset(bin);
  await changeSettings();
  // Give a (wrong) restart loop the time to show itself.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(state.errors.length, 1, state.errors.join('\n'));
  assert.match(state.errors[0], /old-skiff lsp`\) failed: it exited during startup: error: unrecognized subcommand 'lsp'/);
  assert.ok(!state.log.some((l) => l.includes('the server is running')), state.log.join('\n'));
  assert.match(state.errors[0], /cargo install --path crates\/skiff-cli/);
  assert.equal(fs.readFileSync(runs, 'utf8'), 'run\n', 'the server was started more than once');
});

test('a server that answers: no error message, and `lsp` is the argument', async () => {
  const args = path.join(tmp, 'args');
  // A minimal language server: answers `initialize`, then `shutdown`, then exits on `exit`.
  const server = script(
    'fake-skiff',
    `#!/usr/bin/env node
require('fs').writeFileSync(${JSON.stringify(args)}, process.argv.slice(2).join(' '));
let buf = Buffer.alloc(0);
const send = (msg) => { const s = JSON.stringify(msg); process.stdout.write('Content-Length: ' + Buffer.byteLength(s) + '\\r\\n\\r\\n' + s); };
process.stdin.on('data', (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const end = buf.indexOf('\\r\\n\\r\\n');
    if (end < 0) return;
    const len = Number(/Content-Length: (\\d+)/i.exec(buf.slice(0, end).toString())[1]);
    if (buf.length < end + 4 + len) return;
    const msg = JSON.parse(buf.slice(end + 4, end + 4 + len).toString());
    buf = buf.slice(end + 4 + len);
    if (msg.method === 'initialize') send({ jsonrpc: '2.0', id: msg.id, result: { capabilities: {} } });
    else if (msg.method === 'shutdown') send({ jsonrpc: '2.0', id: msg.id, result: null });
    else if (msg.method === 'exit') process.exit(0);
  }
});
`,
  );
  reset(server);
  for (const l of state.configListeners) l({ affectsConfiguration: (s) => 'skiff.server.path'.startsWith(s) });
  // Wait for the queued restart to bring the server up.
  for (let i = 0; i < 100 && !state.log.some((l) => l.includes('the server is running')); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(state.errors, []);
  assert.ok(state.log.some((l) => l.includes('the server is running')), state.log.join('\n'));
  assert.equal(fs.readFileSync(args, 'utf8'), 'lsp');
  await extension.deactivate();
  assert.deepEqual(state.errors, []);
});
