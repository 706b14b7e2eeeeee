//! The module's exports for the page: memory for a call's JSON, and the call. The page writes
//! the call's UTF-8 bytes into memory it got from `skiff_alloc`, calls `skiff_call`, reads the
//! answer at the pointer and length packed in the result (`ptr << 32 | len`) and gives that
//! memory back with `skiff_free`. WebAssembly here has one thread, so one workspace in a
//! thread-local is the page's.

use crate::Playground;
use std::cell::RefCell;

thread_local! {
    static PLAYGROUND: RefCell<Playground> = RefCell::new(Playground::new());
}

/// `len` bytes for the page to write a call into.
// `no_mangle` is unsafe only in that two symbols of one name would clash; these names are ours.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub extern "C" fn skiff_alloc(len: u32) -> *mut u8 {
    let mut buffer = Vec::<u8>::with_capacity(len as usize);
    let ptr = buffer.as_mut_ptr();
    std::mem::forget(buffer);
    ptr
}

/// Gives back memory from `skiff_alloc` or an answer of `skiff_call`.
///
/// # Safety
/// `ptr` and `len` must be a buffer this module handed out and that was not freed yet.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn skiff_free(ptr: *mut u8, len: u32) {
    // SAFETY: the caller gives back a buffer made by `skiff_alloc` (capacity `len`) or by
    // `skiff_call` (an exact-capacity boxed slice of `len` bytes), each freed once.
    drop(unsafe { Vec::from_raw_parts(ptr, 0, len as usize) });
}

/// Answers the call of `len` bytes of JSON at `ptr` (which it frees); the answer's pointer and
/// length, packed.
///
/// # Safety
/// `ptr` must come from `skiff_alloc(len)` with `len` bytes written.
#[allow(unsafe_code)]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn skiff_call(ptr: *mut u8, len: u32) -> u64 {
    // SAFETY: the page wrote `len` bytes into the buffer `skiff_alloc(len)` gave it; it is
    // taken back here (and freed when `call` drops).
    let call = unsafe { Vec::from_raw_parts(ptr, len as usize, len as usize) };
    let answer = match std::str::from_utf8(&call) {
        Ok(text) => PLAYGROUND.with(|p| p.borrow_mut().handle_json(text)),
        Err(_) => r#"{"error":"a call is UTF-8 JSON"}"#.to_string(),
    };
    let bytes = answer.into_bytes().into_boxed_slice();
    let len = bytes.len() as u64;
    let ptr = Box::into_raw(bytes) as *mut u8 as u64;
    (ptr << 32) | len
}
