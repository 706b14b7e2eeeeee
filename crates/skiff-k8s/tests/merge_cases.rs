//! The data-driven merge cases (`tests/fixtures/merge_cases.json`: every worked example of
//! `docs/merge.md`, its ordering examples, and cases per rule and per directive), and the
//! seeded generator of the kubectl oracle run without kubectl: no panic, no null and no
//! directive in any output.

mod common;

use common::{Expect, fixtures, generate, has_directive};
use skiff_k8s::merge::{Node, Shape, apply_patch};

#[test]
fn every_fixture_case_holds() {
    let cases = fixtures();
    let mut failures = Vec::new();
    for case in &cases {
        let base = Node::from_json(&case.lower, 0u8);
        let patch = Node::from_json(&case.upper, 1u8);
        match (apply_patch(base, &patch, Shape::pod_template_spec()), &case.expect) {
            (Ok(result), Expect::Result(expected)) => {
                if result.to_json() != *expected {
                    failures.push(format!("{}:\n  expected {expected}\n  got      {}", case.name, result.to_json()));
                } else if result.contains_null() || has_directive(&result.to_json()) {
                    failures.push(format!("{}: a null or a directive reached the output", case.name));
                }
            }
            (Err(error), Expect::Error { message, path }) => {
                let text = error.to_string();
                if !text.contains(message.as_str()) || error.path.to_string() != *path {
                    failures.push(format!(
                        "{}:\n  expected an error at {path} with {message:?}\n  got      {text}",
                        case.name
                    ));
                } else if error.origin != 1 {
                    failures.push(format!("{}: the error's origin is not the patch's", case.name));
                }
            }
            (Ok(result), Expect::Error { message, .. }) => {
                failures.push(format!("{}: expected an error ({message}), got {}", case.name, result.to_json()))
            }
            (Err(error), Expect::Result(_)) => failures.push(format!("{}: unexpected error: {error}", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} of {} cases fail:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn the_fixture_holds_every_worked_example_of_the_spec() {
    let cases = fixtures();
    let count = |prefix: &str| cases.iter().filter(|c| c.name.starts_with(prefix)).count();
    assert_eq!(count("spec example "), 5, "the five worked examples of docs/merge.md");
    assert_eq!(count("order: "), 5, "the five ordering examples of docs/merge.md");
    for directive in
        ["$patch: replace", "$patch: delete", "$retainKeys", "$deleteFromPrimitiveList", "$setElementOrder", "$append"]
    {
        assert!(cases.iter().any(|c| c.name.contains(directive)), "no case for {directive}");
    }
}

#[test]
fn generated_cases_never_panic_and_never_leak_nulls_or_directives() {
    let mut merged = 0;
    let mut failed = 0;
    for seed in 0..300 {
        let group = generate::group(seed, 10);
        let patch = Node::from_json(&group.patch, 1u8);
        for pod in &group.bases {
            match apply_patch(Node::from_json(pod, 0u8), &patch, Shape::Pod) {
                Ok(result) => {
                    merged += 1;
                    assert!(!result.contains_null(), "seed {seed}: a null in {}", result.to_json());
                    assert!(!has_directive(&result.to_json()), "seed {seed}: a directive in {}", result.to_json());
                    let again = apply_patch(Node::from_json(pod, 0u8), &patch, Shape::Pod).expect("deterministic");
                    assert_eq!(result, again, "seed {seed}: two runs differ");
                }
                Err(_) => failed += 1,
            }
        }
    }
    assert!(merged > 2000, "only {merged} of 3000 generated cases merged");
    assert!(failed > 0, "the generator produced no error case");
}
