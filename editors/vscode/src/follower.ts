// Which node's pod the view beside the editor shows, and its text: the node the cursor was last
// in, asked again when the text changes. No `vscode` here, so that the tests drive it against the
// real server (test/node/pod.test.ts); src/pod.ts wires it to the editor.

/** A position in the protocol's terms (0-based line, UTF-16 column). */
export interface Position {
  line: number;
  character: number;
}

/** What the server answers (crates/skiff-lsp/src/ext.rs). */
export interface EffectivePod {
  node: string;
  task: string;
  uri: string;
  text: string;
  summary: string;
  errors: string[];
  location?: { uri: string; range: { start: Position; end: Position } } | null;
}

export type PodParams = { textDocument?: { uri: string }; position?: Position; node?: string };
export type Ask = (params: PodParams) => Promise<EffectivePod | null>;

export const EMPTY = '# Put the cursor in a workflow\'s `let` to see the pod it runs.\n';

/**
 * The node the cursor was last in, and its pod's text. `moved` and `refresh` answer whether the
 * text changed; answers to questions that a newer one overtook are dropped.
 */
export class PodFollower {
  node: string | undefined;
  text = EMPTY;
  private cursor: { uri: string; position: Position } | undefined;
  private asked = 0;

  constructor(private readonly ask: Ask) {}

  /** The cursor moved: show the node it is in (if it is in one). */
  moved(uri: string, position: Position): Promise<boolean> {
    this.at(uri, position);
    return this.refresh();
  }

  /** Where the cursor is, for the next refresh. */
  at(uri: string, position: Position): void {
    this.cursor = { uri, position };
  }

  /** Shows the node named `node` (a lens's command), until the cursor enters another. */
  async show(node: string): Promise<boolean> {
    this.cursor = undefined;
    this.node = node;
    return this.refresh();
  }

  /** Asks again (the text changed): the node at the cursor, else the one shown. */
  async refresh(): Promise<boolean> {
    const asked = ++this.asked;
    let pod: EffectivePod | null = null;
    if (this.cursor) pod = await this.ask({ textDocument: { uri: this.cursor.uri }, position: this.cursor.position });
    if (!pod && this.node) pod = await this.ask({ node: this.node });
    if (asked !== this.asked) return false;
    if (!pod) return false;
    this.node = pod.node;
    const changed = pod.text !== this.text;
    this.text = pod.text;
    return changed;
  }
}
