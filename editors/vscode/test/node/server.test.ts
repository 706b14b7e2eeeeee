// Finding the server binary (src/server.ts) and the messages shown when it is missing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  failedServerMessage,
  INSTALL_COMMAND,
  missingServerMessage,
  resolveServer,
  SERVER_PATH_SETTING,
  serverOptions,
} from '../../src/server';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-vscode-'));
  dirs.push(d);
  return d;
}

function executable(dir: string, name: string, mode = 0o755): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, '#!/bin/sh\nexit 0\n', { mode });
  fs.chmodSync(p, mode);
  return p;
}

const linux = (env: Record<string, string | undefined>, cwd?: string) => ({ env, cwd, platform: 'linux' as const });

test('a bare name is looked up on PATH, first directory first', () => {
  const a = tempDir();
  const b = tempDir();
  executable(b, 'skiff');
  assert.deepEqual(resolveServer('skiff', linux({ PATH: `${a}:${b}` })), { ok: true, path: path.join(b, 'skiff') });
  executable(a, 'skiff');
  assert.deepEqual(resolveServer('skiff', linux({ PATH: `${a}:${b}` })), { ok: true, path: path.join(a, 'skiff') });
});

test('an empty setting means skiff on PATH', () => {
  const a = tempDir();
  executable(a, 'skiff');
  assert.deepEqual(resolveServer('  ', linux({ PATH: a })), { ok: true, path: path.join(a, 'skiff') });
});

test('a name missing from PATH, or not executable there, is not found', () => {
  const a = tempDir();
  executable(a, 'skiff', 0o644);
  fs.mkdirSync(path.join(a, 'dir-named-skiff'));
  const r = resolveServer('skiff', linux({ PATH: a }));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /"skiff" was not found on PATH/);
  assert.equal(resolveServer('dir-named-skiff', linux({ PATH: a })).ok, false);
  assert.equal(resolveServer('skiff', linux({})).ok, false);
});

test('an absolute path is used as it is, and must be an executable file', () => {
  const a = tempDir();
  const bin = executable(a, 'my-skiff');
  assert.deepEqual(resolveServer(bin, linux({ PATH: '' })), { ok: true, path: bin });
  const missing = resolveServer(path.join(a, 'nope'), linux({}));
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /does not exist/);
  const plain = path.join(a, 'plain');
  fs.writeFileSync(plain, '', { mode: 0o644 });
  const notExec = resolveServer(plain, linux({}));
  assert.match(!notExec.ok ? notExec.reason : '', /is not an executable file/);
});

test('a relative path is taken from the workspace folder, and needs one', () => {
  const root = tempDir();
  fs.mkdirSync(path.join(root, 'target', 'debug'), { recursive: true });
  const bin = executable(path.join(root, 'target', 'debug'), 'skiff');
  assert.deepEqual(resolveServer('./target/debug/skiff', linux({}, root)), { ok: true, path: bin });
  assert.deepEqual(resolveServer('target/debug/skiff', linux({}, root)), { ok: true, path: bin });
  const noFolder = resolveServer('target/debug/skiff', linux({}));
  assert.match(!noFolder.ok ? noFolder.reason : '', /no folder is open/);
});

test('~ is the home directory', () => {
  const home = tempDir();
  fs.mkdirSync(path.join(home, '.cargo', 'bin'), { recursive: true });
  const bin = executable(path.join(home, '.cargo', 'bin'), 'skiff');
  assert.deepEqual(resolveServer('~/.cargo/bin/skiff', linux({ HOME: home })), { ok: true, path: bin });
  assert.equal(resolveServer('~/.cargo/bin/skiff', linux({})).ok, false);
});

test('on Windows, PATHEXT extensions are tried', () => {
  const a = tempDir();
  fs.writeFileSync(path.join(a, 'skiff.EXE'), '');
  const r = resolveServer('skiff', { env: { PATH: a, PATHEXT: '.COM;.EXE' }, platform: 'win32' });
  assert.deepEqual(r, { ok: true, path: path.join(a, 'skiff.EXE') });
});

test('the messages name the setting and the install command', () => {
  for (const m of [missingServerMessage('"skiff" was not found on PATH'), failedServerMessage('/usr/bin/skiff', 'exit code 2')]) {
    assert.ok(m.includes(SERVER_PATH_SETTING), m);
    assert.ok(m.includes(INSTALL_COMMAND), m);
    assert.ok(m.includes('Highlighting'), m);
  }
  assert.equal(INSTALL_COMMAND, 'cargo install --path crates/skiff-cli');
  assert.equal(SERVER_PATH_SETTING, 'skiff.server.path');
  assert.ok(failedServerMessage('/usr/bin/skiff', 'exit code 2').includes('`/usr/bin/skiff lsp`'));
});

test('the server options: `lsp` over stdio, in the folder, with the extra environment on top', () => {
  const env = { PATH: '/usr/bin', RUST_LOG: 'info' };
  const opts = serverOptions('/opt/skiff', { cwd: '/work/repo', env, extraEnv: { RUST_LOG: 'debug', SKIFF_X: '1' } });
  assert.deepEqual(opts, {
    command: '/opt/skiff',
    args: ['lsp'],
    options: { cwd: '/work/repo', env: { PATH: '/usr/bin', RUST_LOG: 'debug', SKIFF_X: '1' } },
  });
  assert.equal(env.RUST_LOG, 'info', 'the environment given is not changed');
  // No `transport` key: vscode-languageclient would add `--stdio` for TransportKind.stdio.
  assert.ok(!('transport' in opts));
  assert.deepEqual(serverOptions('skiff', { env: {} }).options, { cwd: undefined, env: {} });
});
