#!/usr/bin/env python3
"""Differential check of the tree-sitter grammar against the Rust parser (crates/skiff-syntax).

For every corpus test input and every examples/**/*.skiff file, both parsers must agree on
whether the text has a syntax error; where neither reports one, the tree-sitter tree, rendered
in the format of the Rust parser's `dump` (spans left out), must equal the Rust dump: the same
items, docs, parameters, types, statements, overrides, field operators, keys and values.

    cargo build -p skiff-syntax --example dump
    grammar/scripts/compare-with-rust.py --dump target/debug/examples/dump [--tree-sitter PATH]

Exits 1 if the parsers disagree anywhere but on the disagreements listed in KNOWN, which
grammar/README.md explains.
"""
import argparse, difflib, glob, os, re, shutil, subprocess, sys, tempfile
import xml.etree.ElementTree as ET

GRAMMAR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(GRAMMAR)

# Corpus tests on which the two parsers are known to disagree (see README.md, "Limits").
KNOWN = {
    # docs/language.md allows a newline after `=`; the Rust parser does not, for a default.
    'items.txt: A newline after = in a parameter default',
}


def corpus_cases():
    for path in sorted(glob.glob(os.path.join(GRAMMAR, 'test', 'corpus', '*.txt'))):
        blocks = re.split(r'^={3,}\n', open(path, encoding='utf-8').read(), flags=re.M)
        for header, body in zip(blocks[1::2], blocks[2::2]):
            name = header.strip().splitlines()[0]
            text = re.split(r'^-{3,}\n', body, flags=re.M)[0]
            yield f'{os.path.basename(path)}: {name}', text[:-1] if text.endswith('\n') else text


def example_cases():
    for path in sorted(glob.glob(os.path.join(REPO, 'examples', '**', '*.skiff'), recursive=True)):
        yield os.path.relpath(path, REPO), open(path, encoding='utf-8').read()


def rust_str(s):
    escapes = {'"': '\\"', '\\': '\\\\', '\n': '\\n', '\t': '\\t', '\r': '\\r', '\0': '\\0'}
    return '"' + ''.join(escapes.get(c, c) for c in s) + '"'


def rust_float(text):
    r = repr(float(text))
    if 'e' in r:
        mantissa, exponent = r.split('e')
        r = f'{mantissa}e{int(exponent)}'
    return r


class Render:
    """Renders a tree-sitter XML tree the way skiff_syntax::dump renders its syntax tree."""

    def __init__(self, src):
        self.src = src.encode()
        self.offsets = [0]
        for line in self.src.split(b'\n'):
            self.offsets.append(self.offsets[-1] + len(line) + 1)
        self.out, self.depth = [], 0

    def pos(self, n, side):
        return self.offsets[int(n.get(side + 'row'))] + int(n.get(side + 'col'))

    def text(self, n):
        return self.src[self.pos(n, 's'):self.pos(n, 'e')].decode()

    def line(self, s):
        self.out.append('  ' * self.depth + s)

    def nested(self, f, *args):
        self.depth += 1
        f(*args)
        self.depth -= 1

    @staticmethod
    def kids(n):
        return [c for c in n if c.tag not in ('comment', 'doc_comment')]

    @staticmethod
    def get(n, name):
        return next((c for c in n if c.get('field') == name), None)

    def string(self, n):
        simple = {'n': '\n', 't': '\t', 'r': '\r', '0': '\0', '\\': '\\', '"': '"'}
        return re.sub(r'\\(u\{([0-9a-fA-F]+)\}|.)',
                      lambda m: chr(int(m.group(2), 16)) if m.group(2) else simple[m.group(1)],
                      self.text(n)[1:-1])

    def dotted(self, n):
        return '.'.join(self.text(c) for c in n if c.tag == 'identifier')

    def type_text(self, n):
        if n.tag == 'type_identifier':
            return self.text(n)
        if n.tag == 'unit_type':
            return '()'
        if n.tag == 'optional_type':
            return self.type_text(self.get(n, 'type')) + '?'
        args = ', '.join(self.type_text(c) for c in self.kids(self.get(n, 'arguments')))
        return f'{self.text(self.get(n, "name"))}[{args}]'

    def value_text(self, n):
        t = n.tag
        if t == 'string':
            return rust_str(self.string(n))
        if t == 'integer':
            return str(int(self.text(n)))
        if t == 'float':
            return rust_float(self.text(n))
        if t == 'unit_literal':
            return f'unit({self.text(n)})'
        if t in ('true', 'false', 'null'):
            return t
        if t == 'reference':
            return f'ref({self.dotted(n)})'
        if t == 'block':
            return f'object({len(self.kids(n))})'
        items = self.kids(n)
        if all(i.tag not in ('block', 'list') for i in items):
            return '[' + ', '.join(self.value_text(i) for i in items) + ']'
        return f'list({len(items)})'

    def value_children(self, n):
        if n.tag == 'block':
            for f in self.kids(n):
                self.field(f)
        elif n.tag == 'list':
            for i in self.kids(n):
                if i.tag in ('block', 'list'):
                    self.line(self.value_text(i))
                    self.nested(self.value_children, i)

    def key_text(self, k):
        name = self.get(k, 'name')
        text = rust_str(self.string(name)) if name.tag == 'string' else self.text(name)
        index = self.get(k, 'index')
        return text if index is None else f'{text}[{self.value_text(index)}]'

    def field(self, f):
        key, value = self.get(f, 'key'), self.get(f, 'value')
        op = {'delete_field': 'delete', 'replace_field': 'replace', 'append_field': '+='}.get(f.tag)
        if op is None:  # `key: value`, or the block sugar `key { }`
            op = ':' if b':' in self.src[self.pos(key, 'e'):self.pos(value, 's')] else '{}'
        shown = '' if value is None else ' ' + self.value_text(value)
        self.line(f'field {self.key_text(key)} {op}{shown}')
        if value is not None:
            self.nested(self.value_children, value)

    def params(self, params):
        for p in self.kids(params):
            default = self.get(p, 'default')
            shown = '' if default is None else ' = ' + self.value_text(default)
            self.line(f'param {self.text(self.get(p, "name"))}: {self.type_text(self.get(p, "type"))}{shown}')

    def block(self, b):
        self.line('block')
        for f in self.kids(b):
            self.nested(self.field, f)

    def doc(self, siblings, i):
        """The `///` lines directly above item i, as skiff_syntax attaches them."""
        row, lines = int(siblings[i].get('srow')), []
        for s in reversed(siblings[:i]):
            if s.tag != 'doc_comment' or int(s.get('erow')) != row - 1:
                break
            text = self.text(s)[3:]
            lines.append(text[1:] if text.startswith(' ') else text)
            row = int(s.get('srow'))
        return f' doc={rust_str(chr(10).join(reversed(lines)))}' if lines else ''

    def source_file(self, root):
        siblings = list(root)
        for i, item in enumerate(siblings):
            if item.tag in ('comment', 'doc_comment'):
                continue
            doc, name = self.doc(siblings, i), self.get(item, 'name')
            if item.tag == 'import':
                self.line(f'import {rust_str(self.string(self.get(item, "path")))} as {self.text(name)}{doc}')
            elif item.tag == 'template':
                extends = self.get(item, 'extends')
                shown = '' if extends is None else ' extends ' + self.dotted(extends)
                self.line(f'pod_template {self.text(name)}{shown}{doc}')
                body = self.get(item, 'body')
                if body is not None:
                    self.nested(self.block, body)
                else:
                    self.nested(self.line, f'from {rust_str(self.string(self.get(item, "file")))}')
            else:
                self.line(f'{item.tag} {self.text(name)}{doc}')
                self.nested(self.signature_and_body, item)

    def signature_and_body(self, item):
        self.params(self.get(item, 'parameters'))
        output = self.get(item, 'output')
        if output is not None:
            self.line('-> ' + self.type_text(output))
        body = self.get(item, 'body')
        if item.tag == 'task':
            self.block(body)
        else:
            for s in self.kids(body):
                self.statement(s)

    def statement(self, s):
        if s.tag == 'return_statement':
            self.line('return ' + self.value_text(self.get(s, 'value')))
            return
        call = self.get(s, 'call')
        self.line(f'let {self.text(self.get(s, "name"))} = {self.dotted(self.get(call, "function"))}')
        self.depth += 1
        for arg in self.kids(self.get(call, 'arguments')):
            value = self.get(arg, 'value')
            self.line(f'arg {self.text(self.get(arg, "name"))}: {self.value_text(value)}')
            self.nested(self.value_children, value)
        for override in (c for c in s if c.tag == 'override'):
            self.line('override')
            self.nested(self.field, self.kids(override)[0])
        self.depth -= 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--dump', required=True, help="the skiff-syntax `dump` example binary")
    ap.add_argument('--tree-sitter', default='tree-sitter', help='the tree-sitter CLI')
    args = ap.parse_args()
    ts = shutil.which(args.tree_sitter) or sys.exit(f'tree-sitter CLI not found: {args.tree_sitter}')

    with tempfile.TemporaryDirectory() as work:
        os.makedirs(os.path.join(work, 'config', 'parsers'))
        os.symlink(GRAMMAR, os.path.join(work, 'config', 'parsers', 'tree-sitter-skiff'))
        with open(os.path.join(work, 'config', 'config.json'), 'w') as f:
            f.write('{"parser-directories": ["%s"]}\n' % os.path.join(work, 'config', 'parsers'))
        env = dict(os.environ, TREE_SITTER_LIBDIR=os.path.join(work, 'lib'),
                   TREE_SITTER_DIR=os.path.join(work, 'config'))
        os.makedirs(env['TREE_SITTER_LIBDIR'])

        cases = list(corpus_cases()) + list(example_cases())
        unexpected = same = 0
        for n, (name, text) in enumerate(cases):
            path = os.path.join(work, f'{n:04}.skiff')
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            dump = subprocess.run([args.dump, path], capture_output=True, text=True).stdout
            rust_error = any(l.startswith('error') for l in dump.splitlines())
            parsed = subprocess.run([ts, 'parse', '--xml', path], capture_output=True, text=True, env=env)
            ts_error = parsed.returncode != 0
            problem = None
            if rust_error != ts_error:
                problem = f'syntax error: Rust {rust_error}, tree-sitter {ts_error}'
            elif not rust_error:
                rust = [re.sub(r' \d+\.\.\d+(?= doc=|$)', '', l) for l in dump.splitlines()]
                root = ET.fromstring(parsed.stdout[parsed.stdout.index('<?xml'):].encode())
                render = Render(text)
                render.source_file(root.find('source').find('source_file'))
                if render.out != rust:
                    problem = '\n'.join(difflib.unified_diff(rust, render.out, 'rust', 'tree-sitter', lineterm=''))
                else:
                    same += 1
            if problem:
                known = name in KNOWN
                unexpected += not known
                print(f'{"known" if known else "DIFFERENT"}: {name}\n  ' + problem.replace('\n', '\n  '))
        print(f'{len(cases)} inputs: {same} identical trees, {unexpected} unexpected differences')
        sys.exit(1 if unexpected else 0)


if __name__ == '__main__':
    main()
