// Finding the `skiff` binary and wording what to do when it is missing. No `vscode` import, so
// that this module is tested with node's own test runner (test/node/server.test.ts, and
// test/node/lsp.test.ts, which starts the real `skiff lsp` with serverOptions).

import * as fs from 'node:fs';
import * as path from 'node:path';

/** The setting that names the binary. */
export const SERVER_PATH_SETTING = 'skiff.server.path';

/** How to build and install the binary, from a checkout of the skiff repository. */
export const INSTALL_COMMAND = 'cargo install --path crates/skiff-cli';

export interface ResolveOptions {
  /** Where a relative path in the setting is taken from: the first workspace folder. */
  cwd?: string;
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
}

export type Resolved = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Resolves the setting `skiff.server.path` to an executable file.
 *
 * A bare name (`skiff`) is looked up on PATH (with PATHEXT on Windows); anything with a path
 * separator is a path: `~` is expanded, a relative one is taken from `cwd`.
 */
export function resolveServer(setting: string, opts: ResolveOptions): Resolved {
  const value = setting.trim() || 'skiff';
  const win = opts.platform === 'win32';
  const exts = win ? ['', ...(opts.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';').filter(Boolean)] : [''];
  const isPath = value.includes('/') || (win && value.includes('\\')) || value.startsWith('~');

  if (isPath) {
    let p = value;
    const home = opts.env.HOME ?? opts.env.USERPROFILE;
    if (p === '~' || p.startsWith('~/') || (win && p.startsWith('~\\'))) {
      if (!home) return { ok: false, reason: `cannot expand ~ in "${value}": HOME is not set` };
      p = path.join(home, p.slice(1));
    }
    if (!path.isAbsolute(p)) {
      if (!opts.cwd) return { ok: false, reason: `"${value}" is a relative path and no folder is open` };
      p = path.resolve(opts.cwd, p);
    }
    for (const ext of exts) {
      if (isExecutable(p + ext, win)) return { ok: true, path: p + ext };
    }
    return { ok: false, reason: fs.existsSync(p) ? `"${p}" is not an executable file` : `"${p}" does not exist` };
  }

  const dirs = (opts.env.PATH ?? opts.env.Path ?? '').split(win ? ';' : ':').filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = path.join(dir, value + ext);
      if (isExecutable(candidate, win)) return { ok: true, path: candidate };
    }
  }
  return { ok: false, reason: `"${value}" was not found on PATH` };
}

function isExecutable(p: string, win: boolean): boolean {
  try {
    const st = fs.statSync(p);
    if (!st.isFile()) return false;
    if (win) return true;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The message shown (once) when the binary cannot be found. */
export function missingServerMessage(reason: string): string {
  return (
    `skiff: the language server is not available: ${reason}. ` +
    `Highlighting and snippets still work. Install the \`skiff\` binary with \`${INSTALL_COMMAND}\` ` +
    `(from a checkout of the skiff repository), or point the setting \`${SERVER_PATH_SETTING}\` at it.`
  );
}

/** The message shown (once) when the binary is there but `skiff lsp` does not start or keeps dying. */
export function failedServerMessage(command: string, detail: string): string {
  return (
    `skiff: the language server (\`${command} lsp\`) failed: ${detail}. ` +
    `Highlighting and snippets still work. A \`skiff\` built before the language server existed has no ` +
    `\`lsp\` command: rebuild it with \`${INSTALL_COMMAND}\`, or check the setting \`${SERVER_PATH_SETTING}\`. ` +
    `The "skiff" output channel has the server's messages.`
  );
}

/** How the client starts the server: `<binary> lsp` over stdio (vscode-languageclient's `Executable`). */
export interface ServerCommand {
  command: string;
  args: string[];
  options: { cwd?: string; env: Record<string, string | undefined> };
}

/**
 * The server options the extension gives vscode-languageclient: the resolved binary with the
 * argument `lsp`, run in the first workspace folder with the editor's environment plus the
 * setting `skiff.server.extraEnv`. No `transport`: with TransportKind.stdio the client would add
 * `--stdio` to the arguments, which `skiff lsp` does not take.
 */
export function serverOptions(
  command: string,
  opts: { cwd?: string; env: Record<string, string | undefined>; extraEnv?: Record<string, string> },
): ServerCommand {
  return { command, args: ['lsp'], options: { cwd: opts.cwd, env: { ...opts.env, ...(opts.extraEnv ?? {}) } } };
}
