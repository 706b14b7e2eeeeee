//! Inputs the fuzzers (`fuzz/`, docs/robustness.md) once broke, kept in the normal suite with
//! the property of the target that found them: formatting never fails with an internal error on
//! text that parses, its output parses, and formatting it again changes nothing.

use skiff_fmt::{FormatError, format};

/// (what went wrong, the input).
const CASES: &[(&str, &str)] = &[(
    // fuzz target `fmt`: a `]` glued after an object was skipped by the parser without an
    // error, so the formatter dropped it (and its safety net refused: an internal error).
    "stray `]` after a block",
    "// examples/seed/lib/gpu.skiff\n/// Placement on the V100 pool.\npod_template v100 {\n  nodeSelector { value: \"true\", effect: \"NoSchedule\" }]\n}\n",
)];

#[test]
fn fuzz_crashes_stay_fixed() {
    for (what, text) in CASES {
        match format(text) {
            Ok(formatted) => {
                assert!(skiff_syntax::parse(&formatted).errors.is_empty(), "{what}: the output parses");
                assert_eq!(format(&formatted).as_deref(), Ok(formatted.as_str()), "{what}: idempotent");
            }
            Err(FormatError::Syntax(errors)) => assert!(!errors.is_empty(), "{what}"),
            Err(FormatError::Internal(why)) => panic!("{what}: internal formatter error: {why}"),
        }
    }
    // And this one is a syntax error, said where the `]` is.
    let errors = skiff_syntax::parse(CASES[0].1).errors;
    let at = CASES[0].1.find("}]").unwrap() as u32 + 1;
    assert!(errors.iter().any(|e| e.span.start == at), "{errors:?}");
}
