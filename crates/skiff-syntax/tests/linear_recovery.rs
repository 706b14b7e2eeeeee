//! Error recovery costs work linear in the text, however the brackets are left open.
//!
//! The fuzzer found 3.7 KB files that took 12 s to parse: each line opened a merge key
//! (`a [{ ...`) that was never closed, the key was parsed as any value up to the end of the
//! item, failed at the missing `]`, and the lines after it were parsed again, once for each
//! level: twice the work for each such line. Work is counted as allocations, which every
//! parsed list and block makes, rather than timed: doubling a text must about double them.

use proptest::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    /// Allocations made by this thread: the tests of this file run on several threads at once,
    /// and proptest allocates while it makes cases, so a count shared by all would take in
    /// other tests' work.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on unchanged to the system allocator; the counter only observes
// (a `const` thread-local needs no allocation, and after the thread's end it is skipped).
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract for `dealloc` is passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Allocations made by one parse on this thread.
fn work(text: &str) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    drop(skiff_syntax::parse(text));
    ALLOCATIONS.with(Cell::get) - before
}

/// `work(text twice) <= 3 * work(text)`: linear work doubles, work that repeats per open level
/// grows by far more. The text is wrapped in one unclosed block, so the copy nests inside.
fn assert_doubling_is_linear(body: &str) {
    let once = format!("task t() {{\n  resources {{\n{body}");
    let twice = format!("{once}{body}");
    drop(skiff_syntax::parse(&once)); // anything built once per thread
    let (w1, w2) = (work(&once), work(&twice));
    assert!(w2 <= 3 * w1.max(1), "parsing the text twice over took {w2} allocations against {w1} once:\n{body}");
}

#[test]
fn unclosed_merge_keys_are_not_parsed_again_for_each_level() {
    assert_doubling_is_linear(&"  a [{ na \"busybox\"\n\n  args: [], b { c: \"d\" }\n".repeat(8));
}

#[test]
fn the_fuzzers_slow_inputs_parse_in_linear_work() {
    for text in
        [include_str!("fixtures/fuzz/unclosed-keys-1.skiff"), include_str!("fixtures/fuzz/unclosed-keys-2.skiff")]
    {
        assert_doubling_is_linear(text);
    }
}

/// Lines that each leave something open, in the forms the grammar backtracks over.
const OPEN_LINES: &[&str] = &[
    "  a [{ na \"x\"\n",
    "  a[\"k\" { b: 1\n",
    "  b: [{ c: [\n",
    "  c { d: (\n",
    "  d: { e [ f\n",
    "  replace e[{ f: 1\n",
    "  delete f[[\n",
    "  g += [{ h \"i\"\n",
    "  let x = t(a: { b [\n",
    "  override pod_template { c[{\n",
    "  \"k\" { l: [1 2 {\n",
    "  m: t(1 { n [\n",
    "  ] } ) x: 1\n",
    "\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn open_brackets_cost_linear_work(lines in prop::collection::vec(prop::sample::select(OPEN_LINES), 4..24)) {
        assert_doubling_is_linear(&lines.concat());
    }
}
