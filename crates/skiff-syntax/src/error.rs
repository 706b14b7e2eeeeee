//! Diagnostics as plain values: a stable code, a primary span, secondary labels, help, and an
//! optional machine-applicable fix. Every layer (syntax, Kubernetes checks, semantics) reports
//! with this one type; spans are byte ranges into the file the diagnostic is reported in.

use crate::Span;

/// A replacement of `span` by `text` in the same source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextEdit {
    pub span: Span,
    pub text: String,
}

/// A machine-applicable fix: every edit applies to the file the diagnostic is in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<TextEdit>,
}

impl Fix {
    pub fn insert(message: impl Into<String>, at: u32, text: impl Into<String>) -> Fix {
        Fix::replace(message, Span::empty(at), text)
    }

    pub fn replace(message: impl Into<String>, span: Span, text: impl Into<String>) -> Fix {
        Fix { message: message.into(), edits: vec![TextEdit { span, text: text.into() }] }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// A secondary location that helps explain a diagnostic ("first defined here").
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// The workspace path of the file the span is in, when it is not the diagnostic's own file.
    pub file: Option<String>,
}

/// One diagnostic. `code` is stable and documented in `docs/diagnostics.md`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: &'static str,
    pub span: Span,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// An error.
    pub fn new(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            span,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            fix: None,
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::new(code, span, message) }
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label { span, message: message.into(), file: None });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Moves the diagnostic `offset` bytes later in its file: its span, its labels in the same
    /// file, and its fix (from chunk-relative positions to absolute ones).
    pub fn shift(&mut self, offset: u32) {
        self.span = self.span.shifted(offset);
        for label in &mut self.labels {
            if label.file.is_none() {
                label.span = label.span.shifted(offset);
            }
        }
        if let Some(fix) = &mut self.fix {
            for edit in &mut fix.edits {
                edit.span = edit.span.shifted(offset);
            }
        }
    }
}

/// The stable codes of syntax errors (other layers keep their codes beside their checks).
pub mod codes {
    /// A character that cannot start any token.
    pub const INVALID_CHARACTER: &str = "invalid-character";
    /// A string literal without its closing quote on the same line.
    pub const UNTERMINATED_STRING: &str = "unterminated-string";
    /// An unknown escape such as `\q` or a malformed `\u{...}`.
    pub const INVALID_ESCAPE: &str = "invalid-escape";
    /// An integer that does not fit in 64 bits.
    pub const NUMBER_TOO_LARGE: &str = "number-too-large";
    /// Brackets nested deeper than the parser accepts.
    pub const NESTING_TOO_DEEP: &str = "nesting-too-deep";
    /// A token where the grammar expects something else.
    pub const UNEXPECTED_TOKEN: &str = "unexpected-token";
    /// A `{`, `[` or `(` that is never closed.
    pub const UNCLOSED_DELIMITER: &str = "unclosed-delimiter";
    /// Top-level text that does not start an item.
    pub const EXPECTED_ITEM: &str = "expected-item";
    /// A call argument written without its parameter name.
    pub const POSITIONAL_ARGUMENT: &str = "positional-argument";
    /// `import "path"` without `as name`.
    pub const IMPORT_WITHOUT_NAME: &str = "import-without-name";
    /// Two fields or statements on one line without a separator.
    pub const MISSING_SEPARATOR: &str = "missing-separator";

    /// Every syntax code, for the test that `docs/diagnostics.md` documents them all.
    pub const ALL: &[&str] = &[
        INVALID_CHARACTER,
        UNTERMINATED_STRING,
        INVALID_ESCAPE,
        NUMBER_TOO_LARGE,
        NESTING_TOO_DEEP,
        UNEXPECTED_TOKEN,
        UNCLOSED_DELIMITER,
        EXPECTED_ITEM,
        POSITIONAL_ARGUMENT,
        IMPORT_WITHOUT_NAME,
        MISSING_SEPARATOR,
    ];
}
