//! Parsing frees everything it allocates. (The fuzzers found that every parse leaked its whole
//! chumsky grammar, about 5 KB: `value` and `block` held each other through strong `Rc`s. A
//! language server parses on every edit.) Live bytes are counted by a global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is passed on unchanged to the system allocator; the counter only observes.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: the caller's contract for `alloc` is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::SeqCst);
        // SAFETY: the caller's contract for `dealloc` is passed on unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn a_thousand_parses_leave_nothing_behind() {
    // Clean text (the fast parser only) and broken text (the rich parser too).
    let texts = ["task t() { image: \"x\" }\n", "pod_template p { a: [1, { b: @ }\n"];
    for text in texts {
        drop(skiff_syntax::parse(text)); // warm up anything built once
        let before = LIVE.load(Ordering::SeqCst);
        for _ in 0..1000 {
            drop(skiff_syntax::parse(text));
        }
        let grown = LIVE.load(Ordering::SeqCst) - before;
        assert!(grown < 10_000, "{grown} bytes still live after 1,000 parses of {text:?}");
    }
}
