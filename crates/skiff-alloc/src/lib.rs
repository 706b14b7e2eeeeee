//! The global allocator of the `skiff` and `skiff-bench` binaries: mimalloc, one definition for
//! both so that in-process figures match the command's.
//!
//! The `mimalloc` crate's allocator calls mimalloc's aligned functions for every allocation.
//! Those take a slower path whenever the block that happens to be free is not aligned beyond
//! what the type needs, and for every block over 1 KiB; they were 3% of the instructions of the
//! peer workload (BENCHMARKS.md). Every block `mi_malloc` returns is aligned to 8 bytes, which is
//! all that nearly every Rust type asks, so only alignments above 8 go the aligned way.
//!
//! Not for libraries: only a binary chooses its allocator.

use std::alloc::{GlobalAlloc, Layout};

use libmimalloc_sys as mi;

/// The alignment of every block mimalloc hands out (its smallest block is 8 bytes and every
/// block size is a multiple of 8).
const PLAIN_ALIGN: usize = 8;

/// mimalloc, asked for an alignment only when the layout needs more than [`PLAIN_ALIGN`].
pub struct Mimalloc;

// SAFETY: every call is mimalloc's own for the same layout; a block from `mi_malloc`,
// `mi_zalloc` or `mi_realloc` is aligned to `PLAIN_ALIGN`, so those serve only layouts that ask
// for no more, and the aligned functions serve the rest. `mi_free` frees blocks from all of them.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from this allocator, so from mimalloc.
        unsafe { mi::mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: see the impl; the block keeps the alignment it was allocated with.
        unsafe {
            if layout.align() <= PLAIN_ALIGN {
                mi::mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_alignment_and_size_is_honoured_through_growth() {
        let allocator = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 3, 8, 24, 100, 1024, 1025, 70_000] {
                let layout = Layout::from_size_align(size, align).expect("a layout");
                // SAFETY: a non-zero size; every block is written within its size, then freed
                // with the layout it has.
                #[allow(unsafe_code)]
                unsafe {
                    let zeroed = allocator.alloc_zeroed(layout);
                    assert!(!zeroed.is_null() && (zeroed as usize).is_multiple_of(align), "zalloc {size} {align}");
                    assert!((0..size).all(|i| *zeroed.add(i) == 0));
                    allocator.dealloc(zeroed, layout);

                    let block = allocator.alloc(layout);
                    assert!(!block.is_null() && (block as usize).is_multiple_of(align), "alloc {size} {align}");
                    block.write_bytes(0xab, size);
                    let grown = allocator.realloc(block, layout, size * 3);
                    assert!(!grown.is_null() && (grown as usize).is_multiple_of(align), "realloc {size} {align}");
                    assert!((0..size).all(|i| *grown.add(i) == 0xab), "realloc kept the bytes");
                    allocator.dealloc(grown, Layout::from_size_align(size * 3, align).expect("a layout"));
                }
            }
        }
    }
}
