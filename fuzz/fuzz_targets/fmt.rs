//! The formatter never panics and never fails on a file that parses; its output parses, and
//! formatting it again changes nothing (idempotence).
#![no_main]

use libfuzzer_sys::fuzz_target;
use skiff_fmt::FormatError;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match skiff_fmt::format(text) {
        Ok(formatted) => {
            assert!(skiff_syntax::parse(&formatted).errors.is_empty(), "the output parses");
            let again = skiff_fmt::format(&formatted).expect("formatted text formats");
            assert_eq!(again, formatted, "formatting is idempotent");
        }
        Err(FormatError::Syntax(errors)) => assert!(!errors.is_empty(), "a refusal names its errors"),
        Err(FormatError::Internal(why)) => panic!("internal formatter error on text that parses: {why}"),
    }
});
