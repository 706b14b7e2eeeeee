//! Human reports stay bounded and inert: at most `MAX_SHOWN_PER_FILE` (50) diagnostics a file
//! with the rest counted, quoted lines cut to a width around the span, control characters from
//! the source or a file name escaped; the exit status and the machine formats keep everything.

mod common;

use common::{scratch, skiff, stderr, stdout};
use std::time::{Duration, Instant};

/// 100 bare names after a 250 KB string, all on one line: 100 errors on a 250 KB line.
fn long_line() -> String {
    let env: Vec<String> = (0..100).map(|i| format!("A{i}: x{i}")).collect();
    format!("task t() -> File {{ image: \"a:1\", env {{ PAD: \"{}\", {} }} }}\n", "p".repeat(250_000), env.join(", "))
}

#[test]
fn a_hundred_errors_on_one_long_line_are_capped_and_cut() {
    let text = long_line();
    let dir = scratch("reports-long-line", &[("skiff.toml", b""), ("line.skiff", text.as_bytes())]);
    let started = Instant::now();
    let output = skiff(&["check", "--color", "never", "line.skiff"], &dir);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    // Before: over 60 s and 75 MB of stderr (the whole line quoted for each error).
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert!(report.len() < 100_000, "{} bytes of report", report.len());
    assert_eq!(report.matches("[bare-name]").count(), 50, "50 shown");
    assert!(report.contains("... and 50 more errors in line.skiff"), "{}", &report[report.len() - 300..]);
    assert!(report.contains("checked 1 file: 100 errors"), "the summary counts every one");
    let widest = report.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(widest < 300, "a line of {widest} characters");
    // The place the cut quote cannot show is said.
    assert!(report.contains("this is line 1, column 250053 of the file"), "{}", &report[..2000]);
    // Machines get all of them.
    let json = skiff(&["check", "--message-format", "json", "line.skiff"], &dir);
    assert_eq!(json.status.code(), Some(1));
    assert_eq!(stdout(&json).lines().count(), 100);
}

#[test]
fn a_file_of_nul_bytes_is_one_short_report() {
    let nul = vec![0u8; 16_000_000];
    let dir = scratch("reports-nul", &[("skiff.toml", b""), ("nul.skiff", &nul)]);
    let started = Instant::now();
    let output = skiff(&["check", "--color", "never", "nul.skiff"], &dir);
    let took = started.elapsed();
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    // Before: 41 s and 100 MB of stderr.
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(report.len() < 5_000, "{} bytes of report", report.len());
    assert!(report.contains("\\u{0}\\u{0}") && !report.contains('\0'), "{report}");
}

#[test]
fn control_characters_never_reach_the_terminal() {
    // An ESC sequence in a comment on a line with an error, one in a value quoted by a message,
    // a bell, a carriage return, a bidi override, and a file name with an ESC in it.
    let text = "task t() -> File {\n  image: \"\u{1b}[31mred\" // \u{1b}[2J\u{1b}]0;owned\u{7}\r\u{202e}x\n  env { A: b }\n}\n";
    let name = "e\u{1b}[1mvil.skiff";
    let dir = scratch("reports-escapes", &[("skiff.toml", b""), (name, text.as_bytes())]);
    for color in ["never", "always"] {
        let output = skiff(&["check", "--color", color, "."], &dir);
        assert_eq!(output.status.code(), Some(1));
        let report = stderr(&output);
        for raw in ["\u{1b}[31mred", "\u{1b}[2J", "\u{1b}]0;", "\u{7}", "\r", "\u{202e}", "\u{1b}[1mvil"] {
            assert!(!report.contains(raw), "--color {color}: {raw:?} reached the terminal:\n{report}");
        }
        if color == "never" {
            // (In color every character of a quoted line is colored on its own.)
            assert!(report.contains("\\u{1b}[2J"), "{report}");
            assert!(report.contains("e\\u{1b}[1mvil.skiff"), "{report}");
            assert!(!report.contains('\u{1b}'), "{report}");
        }
    }
    // `fmt` reports the same way.
    let broken = "task t( {\n  // \u{1b}[2J\n";
    let dir = scratch("reports-escapes-fmt", &[("skiff.toml", b""), ("b.skiff", broken.as_bytes())]);
    let output = skiff(&["fmt", "--color", "never", "b.skiff"], &dir);
    assert_eq!(output.status.code(), Some(1));
    assert!(!stderr(&output).contains('\u{1b}'), "{}", stderr(&output));
}

#[test]
fn fmt_shows_at_most_fifty_syntax_errors_a_file() {
    let broken: String = (0..200).map(|i| format!("task t{i}( {{\n")).collect();
    let dir = scratch("reports-fmt-cap", &[("skiff.toml", b""), ("b.skiff", broken.as_bytes())]);
    let output = skiff(&["fmt", "--color", "never", "b.skiff"], &dir);
    assert_eq!(output.status.code(), Some(1));
    let report = stderr(&output);
    assert_eq!(report.matches("] Error:").count(), 50);
    assert!(report.contains("b.skiff: 400 syntax errors, 50 shown: not formatted"), "{report}");
}
