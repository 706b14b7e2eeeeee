/**
 * @file tree-sitter grammar for skiff, a typed declarative workflow language for Kubernetes.
 *
 * The reference is docs/language.md (lexical rules, EBNF); the Rust parser in
 * crates/skiff-syntax decides what the document leaves open. Places where this grammar is
 * stricter or looser than the Rust parser are listed in grammar/README.md.
 *
 * Newlines are significant, so `\n` is not an extra: it is the hidden token `_newline`, used
 * explicitly wherever the language allows one. Spaces, tabs, `\r` and both comment forms are
 * extras.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

/**
 * `seq(X)` of the EBNF: entries with separators (newlines and commas) between them, leading
 * and trailing separators allowed. Every entry but the last needs a separator after it.
 *
 * @param {GrammarSymbols<string>} $
 * @param {RuleOrLiteral} entry
 */
function entries($, entry) {
  return seq(
    optional($._sep),
    optional(seq(entry, repeat(seq($._sep, entry)), optional($._sep))),
  );
}

module.exports = grammar({
  name: 'skiff',

  // Keyword extraction: keywords are lexed as identifiers first, so a keyword that the parser
  // does not expect at a position stays an identifier (`task: 1`, `gpu.from`).
  word: $ => $.identifier,

  extras: $ => [/[ \t\r]/, $.comment, $.doc_comment],

  supertypes: $ => [$._item, $._statement, $._type, $._value],

  // A newline after a `let` (or after one of its overrides) either separates statements or
  // leads to an `override` line that continues the `let`. Which one is known only at the first
  // token after the newlines, so both readings are kept until then (GLR).
  conflicts: $ => [[$.let_statement]],

  rules: {
    // file = { newline } { item { newline } }, with items on lines of their own as the Rust
    // parser requires (it cuts the file into items at line starts).
    source_file: $ => seq(
      optional($._newlines),
      optional(seq(
        $._item,
        repeat(seq($._newlines, $._item)),
        optional($._newlines),
      )),
    ),

    _item: $ => choice($.import, $.template, $.task, $.workflow),

    // import "lib/gpu.skiff" as gpu
    import: $ => seq(
      'import',
      field('path', $.string),
      'as',
      field('name', $.identifier),
    ),

    // pod_template v100 [extends base] { ... }  |  pod_template p from "file.yaml"
    template: $ => seq(
      'pod_template',
      field('name', $.identifier),
      optional(seq('extends', field('extends', $.path))),
      choice(
        field('body', $.block),
        seq('from', field('file', $.string)),
      ),
    ),

    task: $ => seq(
      'task',
      field('name', $.identifier),
      field('parameters', $.parameters),
      optional(seq('->', field('output', $._type))),
      field('body', $.block),
    ),

    workflow: $ => seq(
      'workflow',
      field('name', $.identifier),
      field('parameters', $.parameters),
      optional(seq('->', field('output', $._type))),
      field('body', $.workflow_body),
    ),

    parameters: $ => seq('(', entries($, $.parameter), ')'),

    parameter: $ => seq(
      field('name', $.identifier),
      ':',
      field('type', $._type),
      optional(seq('=', optional($._newlines), field('default', $._value))),
    ),

    // ---- types ----

    _type: $ => choice(
      alias($.identifier, $.type_identifier),
      $.generic_type,
      $.optional_type,
      $.unit_type,
    ),

    // list[T], map[str, T]
    generic_type: $ => seq(
      field('name', alias($.identifier, $.type_identifier)),
      field('arguments', $.type_arguments),
    ),

    type_arguments: $ => seq(
      '[',
      $._type,
      repeat(seq(',', optional($._newlines), $._type)),
      ']',
    ),

    // T?
    optional_type: $ => seq(field('type', $._type), '?'),

    // ()
    unit_type: _ => seq('(', ')'),

    // ---- workflows ----

    workflow_body: $ => seq('{', entries($, $._statement), '}'),

    _statement: $ => choice($.let_statement, $.return_statement),

    // let m2 = train_model(data: data2)
    //   override pod_template { ... }
    // A line that starts with `override` continues the `let` above it.
    let_statement: $ => seq(
      'let',
      field('name', $.identifier),
      '=',
      optional($._newlines),
      field('call', $.call),
      repeat(seq(optional($._newlines), $.override)),
    ),

    call: $ => seq(
      field('function', $.path),
      field('arguments', $.arguments),
    ),

    arguments: $ => seq('(', entries($, $.argument), ')'),

    argument: $ => seq(
      field('name', $.identifier),
      ':',
      optional($._newlines),
      field('value', $._value),
    ),

    // `override` followed by one field: every merge operator works in it.
    override: $ => seq('override', $._field),

    return_statement: $ => seq('return', field('value', $._value)),

    // ---- blocks and fields ----

    // A field ends at a newline, a comma or the closing `}`; a field whose value is a block
    // needs no separator after its `}` (`requests { } limits { }` is two fields). So fields
    // come in two shapes: open ones (a separator or `}` must follow) and closed ones.
    block: $ => seq(
      '{',
      optional($._sep),
      repeat(choice(
        seq($._open_field, $._sep),
        seq($._closed_field, optional($._sep)),
      )),
      optional($._open_field),
      '}',
    ),

    _field: $ => choice($._open_field, $._closed_field),

    _open_field: $ => choice(
      alias($._open_set, $.field),
      alias($._open_append, $.append_field),
      alias($._open_replace, $.replace_field),
      $.delete_field,
    ),

    _closed_field: $ => choice(
      alias($._closed_set, $.field),
      alias($._closed_append, $.append_field),
      alias($._closed_replace, $.replace_field),
    ),

    // key: value
    _open_set: $ => seq(
      field('key', $.key),
      ':',
      optional($._newlines),
      field('value', $._scalar),
    ),

    // key { ... }  |  key: { ... }
    _closed_set: $ => seq(
      field('key', $.key),
      optional(seq(':', optional($._newlines))),
      field('value', $.block),
    ),

    // key += value
    _open_append: $ => seq(
      field('key', $.key),
      '+=',
      optional($._newlines),
      field('value', $._scalar),
    ),

    _closed_append: $ => seq(
      field('key', $.key),
      '+=',
      optional($._newlines),
      field('value', $.block),
    ),

    // replace key: value
    _open_replace: $ => seq(
      'replace',
      field('key', $.key),
      ':',
      optional($._newlines),
      field('value', $._scalar),
    ),

    // replace key { ... }  |  replace key: { ... }
    _closed_replace: $ => seq(
      'replace',
      field('key', $.key),
      optional(seq(':', optional($._newlines))),
      field('value', $.block),
    ),

    // delete key
    delete_field: $ => seq('delete', field('key', $.key)),

    // name, "quoted-name", containers["sidecar"]. Keywords are contextual: at the start of a
    // field `delete` and `replace` are also valid keys (`delete: 1` is a field named `delete`).
    key: $ => seq(
      field('name', choice(
        $.identifier,
        $.string,
        alias(choice('delete', 'replace'), $.identifier),
      )),
      optional(seq(
        '[',
        optional($._newlines),
        field('index', $._merge_key),
        optional($._newlines),
        ']',
      )),
    ),

    // ---- values ----

    _value: $ => choice(
      $.string,
      $.integer,
      $.float,
      $.unit_literal,
      $.true,
      $.false,
      $.null,
      $.reference,
      $.list,
      $.block,
    ),

    // Any value but a block.
    _scalar: $ => choice($._merge_key, $.list),

    // What `key[...]` addresses an element by: a scalar or a name, never a list or a block.
    _merge_key: $ => choice(
      $.string,
      $.integer,
      $.float,
      $.unit_literal,
      $.true,
      $.false,
      $.null,
      $.reference,
    ),

    list: $ => seq('[', entries($, $._value), ']'),

    // A name in value position: a parameter, a binding, a template (`gpu.v100`).
    reference: $ => seq($.identifier, repeat(seq('.', $.identifier))),

    // A name that is not a value: the task of a call, the template an `extends` names.
    path: $ => seq($.identifier, repeat(seq('.', $.identifier))),

    true: _ => 'true',
    false: _ => 'false',
    null: _ => 'null',

    // One line; escapes \n \t \r \0 \\ \" \u{1F600}.
    string: $ => seq(
      '"',
      repeat(choice($._string_content, $.escape_sequence)),
      token.immediate('"'),
    ),

    _string_content: _ => token.immediate(prec(1, /[^"\\\n]+/)),

    escape_sequence: _ => token.immediate(seq(
      '\\',
      choice(/[ntr0\\"]/, /u\{[0-9a-fA-F]{1,6}\}/),
    )),

    // Numbers. The three number tokens share a precedence so that the longest match wins
    // (`1e3x` is a unit literal, as in the Rust lexer); on a tie (`1e3` fits both `float` and
    // `unit_literal`) the rule defined first wins, so `float` must stay above `unit_literal`.
    integer: _ => /-?[0-9]+/,

    float: _ => token(choice(
      /-?[0-9]+\.[0-9]+([eE][+-]?[0-9]+)?/,
      /-?[0-9]+[eE][+-]?[0-9]+/,
    )),

    // A number directly followed by letters and digits: 500m, 8Gi, 30s, 1h30m, 2.5Gi.
    unit_literal: _ => /-?[0-9]+(\.[0-9]+)?[A-Za-z][A-Za-z0-9]*/,

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    // `//` to the end of the line; `////...` is a plain comment too, as in the Rust lexer.
    // The two patterns never match the same text at the same length, so the longest match
    // tells them apart without precedences.
    comment: _ => token(choice(
      /\/\/([^\/\n][^\n]*)?/,
      /\/\/\/\/[^\n]*/,
    )),

    // `///` to the end of the line: documentation of the item below.
    doc_comment: _ => /\/\/\/([^\/\n][^\n]*)?/,

    // ---- separators ----

    _newline: _ => /\n/,

    _newlines: $ => repeat1($._newline),

    // One or more newlines or commas.
    _sep: $ => repeat1(choice($._newline, ',')),
  },
});
