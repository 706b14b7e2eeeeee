// A stand-in for the `vscode` module, enough for the bundled extension (dist/extension.js) to
// activate and for vscode-languageclient to start a server: it implements the handful of calls
// the extension makes and answers any other property with an inert stub. Importing this module
// installs it (require('vscode') answers it) and gives `state` (what the extension showed and
// logged, the settings it reads, its commands) and `loadExtension`.
import * as path from 'node:path';
// eslint-disable-next-line @typescript-eslint/no-require-imports
import Module = require('node:module');

export type Listener = (e: { affectsConfiguration(section: string): boolean }) => unknown;

export const state = {
  errors: [] as string[],
  log: [] as string[],
  settings: {} as Record<string, unknown>,
  commands: new Map<string, (...args: unknown[]) => unknown>(),
  /** Text document content providers, by scheme. */
  providers: new Map<string, { provideTextDocumentContent(uri: unknown): unknown }>(),
  configListeners: [] as Listener[],
};

/** An inert object: any property is another stub, calling or constructing one gives a stub. */
function stub(name: string): any {
  const target = function () {} as any;
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then') return undefined;
      if (prop === Symbol.toPrimitive) return () => `[stub ${name}]`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'dispose') return () => {};
      if (prop === 'length') return 0;
      return stub(`${name}.${String(prop)}`);
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

const disposable = { dispose() {} };

class EventEmitter<T> {
  private listeners: ((e: T) => unknown)[] = [];
  event = (listener: (e: T) => unknown) => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: T) {
    for (const l of this.listeners) l(e);
  }
  dispose() {}
}

const vscode: Record<string, unknown> = {
  version: '1.90.0',
  // The client's `initialize` names the editor (clientInfo.name is required by the protocol).
  env: new Proxy({ appName: 'Visual Studio Code', language: 'en' }, { get: (t: any, p) => (p in t ? t[p] : stub(`env.${String(p)}`)) }),
  EventEmitter,
  // Enough of a URI for the pod view: its text and path.
  Uri: {
    parse: (text: string) => ({ toString: () => text, path: text.replace(/^[a-z-]+:/, ''), scheme: text.split(':')[0] }),
  },
  Disposable: Object.assign(
    class {
      constructor(private readonly f: () => void) {}
      dispose() {
        this.f?.();
      }
    },
    { from: () => disposable },
  ),
  window: new Proxy(
    {
      createOutputChannel: (name: string) =>
        new Proxy(
          { name, appendLine: (l: string) => state.log.push(l), append: (l: string) => state.log.push(l), show() {}, dispose() {} },
          { get: (t: any, p) => (p in t ? t[p] : stub(`output.${String(p)}`)) },
        ),
      showErrorMessage: (message: string) => {
        state.errors.push(message);
        return Promise.resolve(undefined);
      },
      visibleTextEditors: [],
      onDidChangeVisibleTextEditors: () => disposable,
      onDidChangeActiveTextEditor: () => disposable,
    },
    { get: (t: any, p) => (p in t ? t[p] : stub(`window.${String(p)}`)) },
  ),
  workspace: new Proxy(
    {
      workspaceFolders: undefined,
      textDocuments: [],
      notebookDocuments: [],
      getConfiguration: (section?: string) => ({
        get: (key: string, fallback?: unknown) => {
          const full = section ? `${section}.${key}` : key;
          return full in state.settings ? state.settings[full] : fallback;
        },
      }),
      onDidChangeConfiguration: (l: Listener) => {
        state.configListeners.push(l);
        return disposable;
      },
      createFileSystemWatcher: () => stub('watcher'),
      registerTextDocumentContentProvider: (scheme: string, provider: { provideTextDocumentContent(uri: unknown): unknown }) => {
        state.providers.set(scheme, provider);
        return disposable;
      },
    },
    { get: (t: any, p) => (p in t ? t[p] : stub(`workspace.${String(p)}`)) },
  ),
  languages: new Proxy({}, { get: (_t, p) => stub(`languages.${String(p)}`) }),
  commands: new Proxy(
    {
      registerCommand: (id: string, f: (...args: unknown[]) => unknown) => {
        state.commands.set(id, f);
        return disposable;
      },
      executeCommand: () => Promise.resolve(undefined),
    },
    { get: (t: any, p) => (p in t ? t[p] : stub(`commands.${String(p)}`)) },
  ),
};
const vscodeModule = new Proxy(vscode, { get: (t: any, p) => (p in t ? t[p] : stub(`vscode.${String(p)}`)) });

const load = (Module as any)._load;
(Module as any)._load = function (request: string, ...rest: unknown[]) {
  if (request === 'vscode') return vscodeModule;
  return load.call(this, request, ...rest);
};

export interface Extension {
  activate(ctx: unknown): Promise<void>;
  deactivate(): Promise<void>;
}

/** The bundled extension, as VS Code loads it. */
export function loadExtension(): Extension {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.resolve(__dirname, '..', '..', '..', 'dist', 'extension.js')) as Extension;
}

/** Waits until the extension logs a line containing `text` (at most `ms`). */
export async function waitForLog(text: string, ms = 5000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (state.log.some((l) => l.includes(text))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return state.log.some((l) => l.includes(text));
}
