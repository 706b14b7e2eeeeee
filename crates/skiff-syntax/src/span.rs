//! Byte ranges into one source text.

use std::fmt;
use std::ops::Range;

/// A half-open byte range `start..end` into one source text.
///
/// `u32` keeps syntax trees small; the CLI refuses files larger than 4 GiB before parsing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub const fn new(start: u32, end: u32) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`, for insertions and "missing" errors.
    pub const fn empty(offset: u32) -> Self {
        Span { start: offset, end: offset }
    }

    pub fn from_range(range: Range<usize>) -> Self {
        Span { start: to_u32(range.start), end: to_u32(range.end) }
    }

    pub fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `offset` is inside or at either edge, as a cursor sees it.
    pub fn touches(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
            || (self.is_empty() || other.is_empty()) && self.touches(other.start)
    }

    pub fn shifted(self, delta: u32) -> Span {
        Span { start: self.start + delta, end: self.end + delta }
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::from_range(range)
    }
}

/// The parser reads the lexer's `(token, span)` pairs as they are, so that a file's tokens are
/// not copied into chumsky's own span type first (for a file that is one long list, the copy
/// was a quarter of the memory a check needed).
impl chumsky::span::Span for Span {
    type Context = ();
    type Offset = u32;

    fn new((): (), range: Range<u32>) -> Self {
        Span::new(range.start, range.end)
    }

    fn context(&self) {}

    fn start(&self) -> u32 {
        self.start
    }

    fn end(&self) -> u32 {
        self.end
    }
}
