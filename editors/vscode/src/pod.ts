// The effective pod of a workflow node, live beside the editor: a read-only YAML document
// (`skiff-pod:/effective-pod.yaml`) that shows the pod of the node the cursor was last in, and
// follows the text as it changes. Its text is what `skiff explain` prints, asked from the server
// (`skiff/effectivePod`, docs/lsp.md); nothing is computed here.
//
// `PodFollower` (src/follower.ts) is the logic; `registerPodView` wires it to the editor.

import * as vscode from 'vscode';
import { EffectivePod, PodFollower, PodParams } from './follower';

export const POD_SCHEME = 'skiff-pod';
/** The one document that follows the cursor (not a node's name: those have a dot). */
export const FOLLOWING = `${POD_SCHEME}:/effective-pod.yaml`;
export const SHOW_COMMAND = 'skiff.showEffectivePod';
export const REQUEST = 'skiff/effectivePod';

/** The content provider and the command; `ask` sends the request once the client runs. */
export function registerPodView(ask: (method: string, params: PodParams) => Promise<EffectivePod | null>): vscode.Disposable {
  const follower = new PodFollower((params) => ask(REQUEST, params));
  const following = vscode.Uri.parse(FOLLOWING);
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const visible = () => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === following.toString());
  const update = (p: Promise<boolean>) =>
    p.then(
      (c) => c && changed.fire(following),
      () => undefined,
    );
  let timer: NodeJS.Timeout | undefined;
  const later = (f: () => void) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(f, 80);
  };

  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    async provideTextDocumentContent(uri) {
      if (uri.toString() === following.toString()) return follower.text;
      // A node's own document, `skiff-pod:/my_workflow.m2.yaml`.
      const pod = await ask(REQUEST, { textDocument: { uri: uri.toString() } });
      return pod ? pod.text : `# no node ${uri.path.replace(/^\//, '').replace(/\.yaml$/, '')}\n`;
    },
  };

  async function showView(argument?: { node?: string }): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (argument?.node) {
      await follower.show(argument.node);
    } else if (editor && editor.document.languageId === 'skiff') {
      const at = editor.selection.active;
      await follower.moved(editor.document.uri.toString(), { line: at.line, character: at.character });
    }
    changed.fire(following);
    const document = await vscode.workspace.openTextDocument(following);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true });
  }

  return vscode.Disposable.from(
    changed,
    vscode.workspace.registerTextDocumentContentProvider(POD_SCHEME, provider),
    vscode.commands.registerCommand(SHOW_COMMAND, showView),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor.document.languageId !== 'skiff' || !visible()) return;
      const at = e.selections[0].active;
      follower.at(e.textEditor.document.uri.toString(), { line: at.line, character: at.character });
      later(() => void update(follower.refresh()));
    }),
    // The server publishes diagnostics after each change it applied (the text, a file on disk):
    // the moment the pod may have changed.
    vscode.languages.onDidChangeDiagnostics(() => {
      if (visible()) later(() => void update(follower.refresh()));
    }),
  );
}
