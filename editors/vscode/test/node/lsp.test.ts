// The real language server, `skiff lsp`, with the extension's client side:
//   1. the bundled extension (against the stand-in for `vscode`) starts the real binary, through
//      a wrapper that records what the client sends, and stops it: no error message, and the
//      recording holds the client's `initialize` with the capabilities vscode-languageclient
//      declares;
//   2. the same binary, started with the extension's server options (serverOptions, from
//      src/server.ts) and spoken to with the protocol library the extension ships
//      (vscode-languageserver-protocol over vscode-jsonrpc), initialized with those
//      capabilities: it publishes diagnostics for examples/seed/train.skiff, its hover on
//      `override pod_template` shows the merged pod (`nvidia-a100`) with the origin notes, and
//      it shuts down and exits with 0.
//
// The binary comes from SKIFF_BIN (editors/vscode/test.sh sets it; `cargo xtask test` builds it).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ClientCapabilities,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  MarkupContent,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { serverOptions } from '../../src/server';
import { loadExtension, state, waitForLog } from './vscode-stub';

const repo = path.resolve(__dirname, '..', '..', '..', '..', '..');
const skiff = process.env.SKIFF_BIN ?? '';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-vscode-lsp-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function needBinary(): void {
  assert.ok(skiff, 'SKIFF_BIN is not set: it names the skiff binary to test (cargo build -p skiff-cli; target/debug/skiff)');
  assert.ok(fs.statSync(skiff).isFile(), `SKIFF_BIN=${skiff} is not a file`);
}

/** The LSP messages in a recorded byte stream (Content-Length framing). */
function messages(stream: Buffer): { method?: string; params?: any }[] {
  const out = [];
  let rest = stream;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const len = Number(/Content-Length: (\d+)/i.exec(rest.subarray(0, end).toString())?.[1]);
    if (rest.length < end + 4 + len) break;
    out.push(JSON.parse(rest.subarray(end + 4, end + 4 + len).toString()));
    rest = rest.subarray(end + 4 + len);
  }
  return out;
}

let declared: ClientCapabilities | undefined;

test('the extension starts the real `skiff lsp` and stops it, without an error message', { timeout: 60000 }, async () => {
  needBinary();
  const recording = path.join(tmp, 'client-to-server');
  const wrapper = path.join(tmp, 'skiff');
  // `exec`: the process the client starts (and kills, if it must) is skiff itself.
  fs.writeFileSync(wrapper, `#!/usr/bin/env bash\nexec '${skiff}' "$@" < <(exec tee '${recording}')\n`, { mode: 0o755 });
  state.settings['skiff.server.path'] = wrapper;
  const extension = loadExtension();
  await extension.activate({ subscriptions: [] });
  assert.ok(await waitForLog('the server is running', 20000), state.log.join('\n'));
  await extension.deactivate();
  assert.deepEqual(state.errors, []);

  // tee may write the last message (`exit`) a moment after the client sent it.
  let sent = messages(fs.readFileSync(recording));
  for (let i = 0; i < 60 && !sent.some((m) => m.method === 'exit'); i++) {
    await new Promise((r) => setTimeout(r, 50));
    sent = messages(fs.readFileSync(recording));
  }
  const methods = sent.map((m) => m.method);
  assert.equal(methods[0], 'initialize', methods.join(' '));
  assert.ok(methods.includes('initialized'), methods.join(' '));
  assert.ok(methods.includes('shutdown') && methods.includes('exit'), methods.join(' '));
  declared = sent[0].params.capabilities as ClientCapabilities;
  // What vscode-languageclient 9 declares (so the second test speaks as the extension does).
  assert.deepEqual(declared.textDocument?.hover?.contentFormat, ['markdown', 'plaintext']);
  assert.ok(declared.textDocument?.publishDiagnostics?.relatedInformation);
  assert.ok(declared.textDocument?.synchronization?.didSave);
  assert.ok(declared.workspace?.didChangeWatchedFiles);
});

test("`skiff lsp` with the extension's server options: diagnostics, hover on an override, shutdown", { timeout: 60000 }, async (t) => {
  needBinary();
  assert.ok(declared, 'the first test recorded no client capabilities');
  const opts = serverOptions(skiff, { cwd: repo, env: process.env, extraEnv: {} });
  assert.deepEqual(opts.args, ['lsp']);
  const server = spawn(opts.command, opts.args, { cwd: opts.options.cwd, env: opts.options.env, stdio: 'pipe' });
  let stderr = '';
  server.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => server.on('exit', (code) => resolve(code)));
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  t.after(() => {
    connection.dispose();
    server.kill();
  });

  const file = path.join(repo, 'examples', 'seed', 'train.skiff');
  const uri = pathToFileURL(file).href;
  const text = fs.readFileSync(file, 'utf8');
  const diagnostics = new Promise<PublishDiagnosticsParams>((resolve) =>
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      if (p.uri === uri) resolve(p);
    }),
  );
  connection.listen();
  const within = <T>(what: string, p: Promise<T>, ms = 20000): Promise<T> =>
    Promise.race([
      p,
      new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no ${what} within ${ms} ms; stderr: ${stderr}`)), ms).unref()),
    ]);

  const init = await within(
    'initialize result',
    connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      clientInfo: { name: 'skiff vscode test' },
      rootUri: pathToFileURL(repo).href,
      workspaceFolders: [{ uri: pathToFileURL(repo).href, name: 'skiff' }],
      capabilities: declared!,
    }),
  );
  assert.ok(init.capabilities.hoverProvider, JSON.stringify(init.capabilities));
  assert.equal(init.serverInfo?.name, 'skiff');
  await connection.sendNotification(InitializedNotification.type, {});
  await connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'skiff', version: 1, text },
  });

  const published = await within('publishDiagnostics for train.skiff', diagnostics);
  assert.deepEqual(published.diagnostics, [], 'the example checks clean');

  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('override pod_template'));
  assert.ok(line >= 0);
  const hover = await within(
    'hover',
    connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character: lines[line].indexOf('override pod_template') + 2 },
    }),
  );
  const contents = hover?.contents as MarkupContent;
  assert.equal(contents?.kind, 'markdown', JSON.stringify(hover));
  assert.match(contents.value, /The pod of `my_workflow\.m2`/);
  // The merged pod with origin notes: which task or override each part comes from (paths are
  // relative to the server's working directory, the workspace folder).
  const nodeSelector = lines.findIndex((l) => l.includes('nodeSelector { "gpu-type": "nvidia-a100" }')) + 1;
  const origin = new RegExp(`nodeSelector: \\{gpu-type: nvidia-a100\\} +# override pod_template \\(examples/seed/train\\.skiff:${nodeSelector}\\)`);
  assert.match(contents.value, origin);
  assert.match(contents.value, /image: ghcr\.io\/acme\/train:1\.4 +# task train_model \(examples\/seed\/train\.skiff:6\)/);
  assert.match(contents.value, /memory: 32Gi +# override resources \(examples\/seed\/train\.skiff:\d+\)/);
  assert.match(contents.value, /`nvidia-tesla-v100` → `nvidia-a100`/);

  assert.equal(await within('shutdown result', connection.sendRequest(ShutdownRequest.type)), null);
  await connection.sendNotification(ExitNotification.type);
  assert.equal(await within('exit', exited), 0, stderr);
});
