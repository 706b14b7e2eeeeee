// The effective pod view beside the editor:
//   1. the view's logic (src/follower.ts) against the real `skiff lsp`: the cursor in a `let`
//      shows that node's pod, exactly what `skiff explain` prints; it follows the cursor to
//      another node, stays on it when the cursor leaves every `let`, and follows the text; the
//      code lens above each `let` resolves to the pod in one line and the command that opens it;
//      the import's path links to its file;
//   2. the extension registers the `skiff-pod:` documents and the command (against the stand-in
//      for `vscode`), and the following document says what to do before any node is shown.
//
// The binary comes from SKIFF_BIN (editors/vscode/test.sh sets it; `cargo xtask test` builds it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeLens,
  CodeLensRequest,
  CodeLensResolveRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  InitializeRequest,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { loadExtension, state } from './vscode-stub';
import { EffectivePod, EMPTY, PodFollower, Position } from '../../src/follower';

const repo = path.resolve(__dirname, '..', '..', '..', '..', '..');
const skiff = process.env.SKIFF_BIN ?? '';

function at(text: string, needle: string): Position {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(needle));
  assert.ok(line >= 0, needle);
  return { line, character: lines[line].indexOf(needle) + 1 };
}

test('the view follows the cursor and the text; lenses and links', { timeout: 60000 }, async (t) => {
  assert.ok(skiff && fs.statSync(skiff).isFile(), `SKIFF_BIN=${skiff} is not a file`);
  const server = spawn(skiff, ['lsp'], { cwd: repo, stdio: 'pipe' });
  let stderr = '';
  server.stderr.on('data', (d) => (stderr += d));
  const connection = createProtocolConnection(new StreamMessageReader(server.stdout), new StreamMessageWriter(server.stdin));
  t.after(() => {
    connection.dispose();
    server.kill();
  });
  const published: PublishDiagnosticsParams[] = [];
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => published.push(p));
  connection.listen();
  const diagnostics = async (uri: string, version: number) => {
    for (let i = 0; i < 400; i++) {
      if (published.some((p) => p.uri === uri && p.version === version)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`no diagnostics for ${uri} version ${version}; stderr: ${stderr}`);
  };

  const file = path.join(repo, 'examples', 'seed', 'train.skiff');
  const uri = pathToFileURL(file).href;
  const text = fs.readFileSync(file, 'utf8');
  await connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(repo).href,
    workspaceFolders: [{ uri: pathToFileURL(repo).href, name: 'skiff' }],
    capabilities: {},
  });
  await connection.sendNotification(DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: 'skiff', version: 1, text },
  });
  await diagnostics(uri, 1);

  const follower = new PodFollower((params) => connection.sendRequest<EffectivePod | null>('skiff/effectivePod', params));
  assert.equal(follower.text, EMPTY);
  assert.equal(await follower.moved(uri, at(text, 'memory: 32Gi')), true);
  const explained = execFileSync(skiff, ['explain', 'my_workflow.m2', 'examples/seed'], { cwd: repo, encoding: 'utf8' });
  assert.equal(follower.text, explained, 'the view is `skiff explain`');
  assert.equal(follower.node, 'my_workflow.m2');

  assert.equal(await follower.moved(uri, at(text, 'let m1')), true);
  assert.match(follower.text, /^# my_workflow\.m1: task train_model\n/);
  assert.equal(await follower.moved(uri, { line: 0, character: 0 }), false, 'outside every `let`: the view stays');
  assert.equal(follower.node, 'my_workflow.m1');

  // The text changes: the pod of the node at the cursor follows.
  const edited = text.replace('memory: 32Gi', 'memory: 64Gi');
  await connection.sendNotification(DidChangeTextDocumentNotification.type, {
    textDocument: { uri, version: 2 },
    contentChanges: [{ text: edited }],
  });
  await diagnostics(uri, 2);
  follower.at(uri, at(edited, 'memory: 64Gi'));
  assert.equal(await follower.refresh(), true);
  assert.match(follower.text, /memory: 64Gi +# override resources \(examples\/seed\/train\.skiff:19\)/);
  assert.equal(await follower.show('my_workflow.m1'), true, 'a lens shows its node by name');
  assert.match(follower.text, /^# my_workflow\.m1:/);

  const lenses = (await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  assert.equal(lenses.length, 2);
  const resolved: CodeLens[] = [];
  for (const lens of lenses) resolved.push(await connection.sendRequest(CodeLensResolveRequest.type, lens));
  assert.deepEqual(
    resolved.map((l) => [l.range.start.line, l.command?.title, l.command?.command]),
    [
      [at(edited, 'let m1').line, 'pod: gpu-type=nvidia-tesla-v100 · 1 GPU · no memory limit · train:1.4', 'skiff.showEffectivePod'],
      [at(edited, 'let m2').line, 'pod: gpu-type=nvidia-a100 · 1 GPU · 64Gi memory · train:1.4', 'skiff.showEffectivePod'],
    ],
  );
  assert.deepEqual(resolved[1].command?.arguments, [{ node: 'my_workflow.m2', uri: 'skiff-pod:/my_workflow.m2.yaml' }]);

  const links = (await connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } })) ?? [];
  assert.equal(links[0]?.target, pathToFileURL(path.join(repo, 'examples', 'seed', 'lib', 'gpu.skiff')).href);
});

test('the extension registers the `skiff-pod:` documents and the command', async () => {
  state.settings['skiff.server.path'] = path.join(repo, 'no-such-skiff-binary');
  const extension = loadExtension();
  await extension.activate({ subscriptions: [] });
  assert.ok(state.commands.has('skiff.showEffectivePod'));
  const provider = state.providers.get('skiff-pod');
  assert.ok(provider, 'a content provider for skiff-pod:');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const vscode = require('vscode');
  assert.equal(await provider.provideTextDocumentContent(vscode.Uri.parse('skiff-pod:/effective-pod.yaml')), EMPTY);
  // Without a running server a node's document says there is no such node.
  assert.equal(
    await provider.provideTextDocumentContent(vscode.Uri.parse('skiff-pod:/my_workflow.m2.yaml')),
    '# no node my_workflow.m2\n',
  );
  await extension.deactivate();
  state.errors.length = 0;
});
