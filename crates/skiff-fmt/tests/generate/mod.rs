//! A generator of valid skiff files with random layout: every construct of the grammar, keys
//! quoted or not, block sugar or not, commas or newlines, blank lines, extra spaces, CRLF line
//! ends, and line comments wherever a line may end. Deterministic for a seed.

pub struct Gen {
    state: u64,
    out: String,
    comments: usize,
    depth: usize,
}

const NAMES: &[&str] = &["a", "b", "data", "m1", "train_model", "x_2", "gpu", "nodeSelector", "image", "resources"];
/// Keys include contextual keywords: they are ordinary names in key position.
const KEYS: &[&str] =
    &["image", "env", "limits", "cpu", "delete", "replace", "override", "task", "import", "true", "null", "from", "_k"];
const QUOTED_KEYS: &[&str] = &[
    "\"gpu-type\"",
    "\"nvidia.com/gpu\"",
    "\"plain\"",
    "\"delete\"",
    "\"with space\"",
    "\"esc\\u{41}\"",
    "\"q\\\"q\"",
    "\"9\"",
];
const STRINGS: &[&str] = &[
    "\"\"",
    "\"x\"",
    "\"ghcr.io/acme/train:1.4\"",
    "\"tab\\there\"",
    "\"{{inputs.epochs}}\"",
    "\"é ü 😀\"",
    "\"a // not a comment\"",
];
const NUMBERS: &[&str] = &["0", "2", "-1", "007", "0.5", "1.50", "1e3", "2.5E-2", "8Gi", "500m", "30s", "1h30m", "2E"];
const TYPES: &[&str] = &["int", "str", "float", "File", "DataFrame", "duration"];

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen { state: seed | 1, out: String::new(), comments: 0, depth: 0 }
    }

    fn next(&mut self) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        self.state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }

    fn w(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Space between two tokens: usually one, sometimes none or several.
    fn sp(&mut self) {
        let space = match self.below(10) {
            0 => "",
            1 => "   ",
            2 => "\t",
            _ => " ",
        };
        self.w(space);
    }

    /// A line end, sometimes after a comment, sometimes followed by comment lines.
    fn nl(&mut self) {
        if self.chance(25) {
            self.sp();
            self.comment();
        }
        self.w("\n");
        while self.chance(10) {
            self.w("  ");
            self.comment();
            self.w("\n");
        }
        if self.chance(10) {
            self.w("\n");
        }
    }

    fn comment(&mut self) {
        self.comments += 1;
        let n = self.comments;
        let text = match self.below(4) {
            0 => format!("// c{n}"),
            1 => format!("//c{n} with }} and ) inside"),
            2 => format!("/// d{n}"),
            _ => format!("// c{n}   "),
        };
        self.w(&text);
    }

    /// A separator of entries: commas and newlines, mixed.
    fn sep(&mut self) {
        match self.below(5) {
            0 => self.w(", "),
            1 => self.w(","),
            2 => {
                self.w(",");
                self.nl();
            }
            _ => self.nl(),
        }
    }

    /// After an opening bracket or before a closing one: nothing, or a separator.
    fn maybe_sep(&mut self) {
        if self.chance(30) {
            self.sep();
        } else {
            self.sp();
        }
    }

    pub fn file(mut self) -> String {
        if self.chance(30) {
            self.comment();
            self.w("\n");
        }
        for _ in 0..self.below(5) + 1 {
            if self.chance(20) {
                self.w("/// doc\n");
            }
            match self.below(4) {
                0 => self.import(),
                1 => self.template(),
                2 => self.task(),
                _ => self.workflow(),
            }
            self.nl();
        }
        if self.chance(20) {
            self.comment();
        }
        if self.chance(10) { self.out.replace('\n', "\r\n") } else { self.out }
    }

    fn import(&mut self) {
        self.w("import");
        self.sp();
        self.w(" \"lib/gpu.skiff\" as ");
        let name = self.pick(NAMES);
        self.w(name);
    }

    fn template(&mut self) {
        self.w("pod_template ");
        let name = self.pick(NAMES);
        self.w(name);
        self.sp();
        if self.chance(30) {
            self.w(" extends ");
            self.path();
            self.sp();
        }
        if self.chance(10) {
            self.w(" from \"t.yaml\"");
        } else {
            self.block();
        }
    }

    fn task(&mut self) {
        self.w("task ");
        let name = self.pick(NAMES);
        self.w(name);
        self.sp();
        self.params();
        self.output();
        self.sp();
        self.block();
    }

    fn workflow(&mut self) {
        self.w("workflow ");
        let name = self.pick(NAMES);
        self.w(name);
        self.params();
        self.output();
        self.sp();
        self.w("{");
        self.maybe_sep();
        let count = self.below(4);
        for i in 0..count {
            if i > 0 {
                self.sep();
            }
            self.stmt();
        }
        self.maybe_sep();
        self.w("}");
    }

    fn output(&mut self) {
        if self.chance(50) {
            self.sp();
            self.w("->");
            self.sp();
            self.ty();
        }
    }

    fn ty(&mut self) {
        match self.below(8) {
            0 => {
                self.w("list[");
                self.ty();
                self.w("]");
            }
            1 => {
                self.w("map[str,");
                if self.chance(30) {
                    self.nl()
                } else {
                    self.sp()
                }
                self.ty();
                self.w("]");
            }
            2 => self.w("()"),
            _ => {
                let t = self.pick(TYPES);
                self.w(t);
            }
        }
        if self.chance(10) {
            self.w("?");
        }
    }

    fn params(&mut self) {
        self.w("(");
        self.maybe_sep();
        let count = self.below(4);
        for i in 0..count {
            if i > 0 {
                self.sep();
            }
            let name = self.pick(NAMES);
            self.w(name);
            self.sp();
            self.w(":");
            self.sp();
            self.ty();
            if self.chance(30) {
                self.sp();
                self.w("=");
                self.after_operator();
                self.value();
            }
        }
        if count > 0 {
            self.maybe_sep();
        }
        self.w(")");
    }

    fn stmt(&mut self) {
        if self.chance(20) {
            self.w("return ");
            self.value();
            return;
        }
        self.w("let ");
        let name = self.pick(NAMES);
        self.w(name);
        self.sp();
        self.w("=");
        self.after_operator();
        self.path();
        self.w("(");
        self.maybe_sep();
        let count = self.below(4);
        for i in 0..count {
            if i > 0 {
                self.sep();
            }
            let name = self.pick(NAMES);
            self.w(name);
            self.w(":");
            self.after_operator();
            self.value();
        }
        if count > 0 {
            self.maybe_sep();
        }
        self.w(")");
        for _ in 0..self.below(4) {
            if self.chance(80) {
                self.nl()
            } else {
                self.sp()
            }
            self.w("  override ");
            self.field();
        }
    }

    /// After `:`, `=` or `+=`: a space, or a line end.
    fn after_operator(&mut self) {
        if self.chance(10) { self.nl() } else { self.sp() }
    }

    fn path(&mut self) {
        let name = self.pick(NAMES);
        self.w(name);
        if self.chance(30) {
            self.w(".");
            let name = self.pick(NAMES);
            self.w(name);
        }
    }

    fn block(&mut self) {
        self.depth += 1;
        self.w("{");
        self.maybe_sep();
        let count = if self.depth > 3 { 0 } else { self.below(5) };
        let mut ended_in_block = false;
        for i in 0..count {
            if i > 0 {
                // A field after one that ends in `}` needs no separator.
                if ended_in_block && self.chance(30) { self.sp() } else { self.sep() }
            }
            ended_in_block = self.field();
        }
        if count > 0 {
            self.maybe_sep();
        }
        self.w("}");
        self.depth -= 1;
    }

    fn key(&mut self) {
        if self.chance(25) {
            let key = self.pick(QUOTED_KEYS);
            self.w(key);
        } else {
            let key = self.pick(KEYS);
            self.w(key);
        }
        if self.chance(10) {
            self.w("[");
            self.sp();
            let s = self.pick(STRINGS);
            self.w(s);
            self.w("]");
        }
    }

    /// One field; answers whether it ends in a block.
    fn field(&mut self) -> bool {
        match self.below(8) {
            0 => {
                self.w("delete ");
                self.key();
                false
            }
            1 => {
                self.w("replace ");
                self.key();
                self.assign()
            }
            2 => {
                self.key();
                self.sp();
                self.w("+=");
                self.after_operator();
                self.value()
            }
            _ => {
                self.key();
                self.assign()
            }
        }
    }

    fn assign(&mut self) -> bool {
        if self.chance(30) {
            self.sp();
            self.block();
            true
        } else {
            self.sp();
            self.w(":");
            self.after_operator();
            self.value()
        }
    }

    /// One value; answers whether it is a block.
    fn value(&mut self) -> bool {
        let composite = self.depth < 4;
        match self.below(if composite { 10 } else { 7 }) {
            0 | 1 => {
                let s = self.pick(STRINGS);
                self.w(s);
            }
            2 | 3 => {
                let n = self.pick(NUMBERS);
                self.w(n);
            }
            4 => {
                let v = self.pick(&["true", "false", "null"]);
                self.w(v);
            }
            5 | 6 => self.path(),
            7 | 8 => {
                self.depth += 1;
                self.w("[");
                self.maybe_sep();
                let count = self.below(5);
                for i in 0..count {
                    if i > 0 {
                        self.sep();
                    }
                    self.value();
                }
                if count > 0 {
                    self.maybe_sep();
                }
                self.w("]");
                self.depth -= 1;
            }
            _ => {
                self.block();
                return true;
            }
        }
        false
    }
}
