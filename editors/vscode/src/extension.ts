// The skiff extension: the language server client, and the effective pod view beside the editor
// (src/pod.ts). Highlighting (TextMate grammar), brackets, comments, folding and snippets are
// declared in package.json and work without the server.
//
// The server is `skiff lsp` over stdio. Its binary comes from the setting `skiff.server.path`
// (default: `skiff` on PATH). When it is missing, or starts but fails, one error message says
// so (with the setting and how to install it) and the editor goes on without the server.

import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ErrorHandlerResult,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from 'vscode-languageclient/node';
import { failedServerMessage, missingServerMessage, resolveServer, SERVER_PATH_SETTING, serverOptions } from './server';
import { registerPodView } from './pod';

let client: SkiffLanguageClient | undefined;
let output: RecordingChannel | undefined;
/** An error message has been shown since activation or the last restart: show no other. */
let reported = false;
/** Serializes start and stop, which commands and settings changes can ask for at any time. */
let pending: Promise<void> = Promise.resolve();

export function activate(context: vscode.ExtensionContext): Promise<void> {
  output = new RecordingChannel(vscode.window.createOutputChannel('skiff'));
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('skiff.restartServer', () => {
      reported = false;
      return queue(restart);
    }),
    vscode.commands.registerCommand('skiff.showOutput', () => output?.show(true)),
    // The effective pod beside the editor (src/pod.ts); the code lens above each `let` runs it.
    registerPodView((method, params) => (client?.isRunning() ? client.sendRequest(method, params) : Promise.resolve(null))),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('skiff.server')) {
        reported = false;
        void queue(restart);
      }
    }),
  );
  return queue(start);
}

export function deactivate(): Promise<void> {
  return queue(stop);
}

function queue(step: () => Promise<void>): Promise<void> {
  pending = pending.then(step, step);
  return pending;
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.dispose(2000);
    } catch (e) {
      log(`stopping the server: ${errorText(e)}`);
    }
  }
}

async function start(): Promise<void> {
  const config = vscode.workspace.getConfiguration('skiff');
  const setting = config.get<string>('server.path', 'skiff');
  const extraEnv = config.get<Record<string, string>>('server.extraEnv', {});
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  const resolved = resolveServer(setting, { cwd: folder, env: process.env, platform: process.platform });
  if (!resolved.ok) {
    report(missingServerMessage(resolved.reason));
    return;
  }
  const command = resolved.path;
  log(`starting ${command} lsp`);

  const server: ServerOptions = serverOptions(command, { cwd: folder, env: process.env, extraEnv });
  let running = false;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'skiff' },
      { scheme: 'untitled', language: 'skiff' },
    ],
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      // Files that are not open are read by the server; it hears of their changes here.
      // YAML: templates read by `pod_template NAME from "..."`; their users are checked again.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.skiff,skiff.toml,*.yaml,*.yml}'),
    },
    initializationFailedHandler: (error) => {
      log(`initialization failed: ${errorText(error)}`);
      return false;
    },
    errorHandler: new SkiffErrorHandler(() => running, command),
  };

  const c = new SkiffLanguageClient('skiff', 'skiff language server', server, clientOptions);
  // Failures once the server has run (a restart that fails); start() reports the others.
  c.onFatalError = (detail) => {
    if (running) report(failedServerMessage(command, detail));
  };
  client = c;
  output?.clearRecent();
  try {
    await c.start();
    running = true;
    log('the server is running');
  } catch (e) {
    if (client === c) client = undefined;
    const stderr = output?.lastLine();
    report(failedServerMessage(command, stderr ? `it exited during startup: ${stderr}` : errorText(e)));
    try {
      await c.dispose(2000);
    } catch {
      // The process is already gone.
    }
  }
}

/**
 * Adapts vscode-languageclient 9 to one message per failure:
 * - its own pop-ups for a server that cannot be started or restarted ("couldn't create
 *   connection to server") go to the output channel, and to onFatalError;
 * - when the connection closes while starting, its start() can resolve although the server is
 *   not running (and leave its start promise rejected and unhandled): start() here fails then;
 * - when `initialize` fails it stops the client without waiting, which rejects while the client
 *   is still starting: stop() here logs that instead of leaving it unhandled.
 */
class SkiffLanguageClient extends LanguageClient {
  onFatalError: (detail: string) => void = () => {};

  override async start(): Promise<void> {
    const starting = super.start();
    (this as unknown as { _onStart?: Promise<void> })._onStart?.catch(() => undefined);
    await starting;
    if (!this.isRunning()) throw new Error('the server exited during startup');
  }

  override stop(timeout?: number): Promise<void> {
    return super.stop(timeout).catch((e: unknown) => log(`stopping the server: ${errorText(e)}`));
  }

  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    super.error(message, data, false);
    if (showNotification === 'force') this.onFatalError(data === undefined ? message : `${message} ${errorText(data)}`);
  }
}

/**
 * No restart loop for a server that never came up (start() reports that); a server that ran and
 * then died is restarted, up to 4 times in 3 minutes, then reported once.
 */
class SkiffErrorHandler implements ErrorHandler {
  private readonly restarts: number[] = [];

  constructor(
    private readonly running: () => boolean,
    private readonly command: string,
  ) {}

  error(_error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    // While starting, a shutdown would throw ("Client is not running"); start() fails anyway.
    if (!this.running()) return { action: ErrorAction.Continue, handled: true };
    return { action: count !== undefined && count <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    if (!this.running()) return { action: CloseAction.DoNotRestart, handled: true };
    const now = Date.now();
    this.restarts.push(now);
    while (this.restarts.length > 0 && now - this.restarts[0] > 3 * 60 * 1000) this.restarts.shift();
    if (this.restarts.length > 4) {
      report(failedServerMessage(this.command, 'it stopped 5 times in 3 minutes and is not restarted'));
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    log('the server stopped; restarting it');
    return { action: CloseAction.Restart, handled: true };
  }
}

/** The "skiff" output channel, remembering the server's last lines (its stderr lands here). */
class RecordingChannel implements vscode.OutputChannel {
  private recent = '';

  constructor(private readonly channel: vscode.OutputChannel) {}

  get name(): string {
    return this.channel.name;
  }
  append(value: string): void {
    this.recent = (this.recent + value).slice(-4000);
    this.channel.append(value);
  }
  appendLine(value: string): void {
    this.channel.appendLine(value);
  }
  replace(value: string): void {
    this.channel.replace(value);
  }
  clear(): void {
    this.channel.clear();
  }
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean') this.channel.show(columnOrPreserveFocus);
    else this.channel.show(columnOrPreserveFocus, preserveFocus);
  }
  hide(): void {
    this.channel.hide();
  }
  dispose(): void {
    this.channel.dispose();
  }
  clearRecent(): void {
    this.recent = '';
  }
  /** The last non-empty line the server wrote, if any. */
  lastLine(): string | undefined {
    const lines = this.recent.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    return lines.length > 0 ? lines[lines.length - 1].slice(0, 300) : undefined;
  }
}

function report(message: string): void {
  log(message);
  if (reported) return;
  reported = true;
  void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output').then((choice) => {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', SERVER_PATH_SETTING);
    } else if (choice === 'Show Output') {
      output?.show(true);
    }
  });
}

function log(message: string): void {
  output?.appendLine(`[${new Date().toISOString()}] ${message}`);
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.replace(/\s+$/, '') || 'unknown error';
}
