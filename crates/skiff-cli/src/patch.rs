//! `skiff patch BASE PATCH... [--format yaml|json]`: strategic-merge patches applied offline to
//! a Kubernetes document with the engine the compiler uses (`skiff_k8s::merge`), the way
//! `kubectl patch --local --type strategic` would.
//!
//! The base is a `Pod`, a `PodTemplate`, or a bare `{metadata, spec}` (a `PodTemplateSpec`), in
//! YAML or JSON; each patch is an object in YAML or JSON, directives allowed. The result is
//! printed in the base's shape. YAML is read as kubectl reads it (YAML 1.1 scalars: `on` and
//! `yes` are booleans, `0777` is octal) and written so that every YAML reader, 1.1 or 1.2,
//! reads it back the same (`"on"`, `"0777"`, `"1e3"` stay quoted strings).
//!
//! Documents are read as kubectl reads them, strictly: a key written twice in one object is
//! refused in JSON as in YAML (with its line and column); a patch may set only fields the
//! schema has (the API server's strict field validation), and the document patched holds no
//! directive (`$patch`, `$retainKeys`, ...: there it is no instruction, and a merge would copy
//! it into the output).
//!
//! Exit codes: 0 done; 1 an input that cannot be patched (a document that does not parse, is
//! not a pod, or a patch the merge refuses: the message names the file and the line and column
//! or the JSON path); 2 usage or IO.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use serde_json::Value;
use skiff_k8s::documents::{PodDocument, pod_document};
use skiff_k8s::merge::{Node, Shape, apply_patch, find_directive, unknown_fields};

#[derive(clap::Args)]
pub struct PatchArgs {
    /// The document to patch: a Pod, a PodTemplate, or a bare `{metadata, spec}` (`-`: stdin).
    base: PathBuf,
    /// Strategic-merge patches, applied in order (`-`: stdin).
    #[arg(required = true)]
    patches: Vec<PathBuf>,
    /// How to print the result.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

/// Exit code 1: the input cannot be patched.
const EXIT_INPUT: u8 = 1;
/// Exit code 2: the command could not run as asked (usage or IO).
const EXIT_USAGE: u8 = 2;

/// Why the command stopped: a message and its exit code.
struct Failure {
    code: u8,
    message: String,
}

fn input_error(message: String) -> Failure {
    Failure { code: EXIT_INPUT, message }
}

fn usage_error(message: String) -> Failure {
    Failure { code: EXIT_USAGE, message }
}

pub fn run(args: PatchArgs) -> ExitCode {
    match patch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            crate::out::say!("error: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

fn patch(args: &PatchArgs) -> Result<(), Failure> {
    let stdin_uses = std::iter::once(&args.base).chain(&args.patches).filter(|p| is_stdin(p)).count();
    if stdin_uses > 1 {
        return Err(usage_error("`-` (stdin) can stand for one file only".to_owned()));
    }
    // The file index is each node's origin: 0 for the base, i for the i-th patch.
    let mut base = Node::from_json(&read_document(&args.base)?, 0u32);
    let shape = document_shape(&base).map_err(|why| input_error(format!("{}: {why}", display(&args.base))))?;
    if let Some((at, _)) = find_directive(&base) {
        return Err(input_error(format!(
            "{}: at {at}: a patch directive in the document to patch; directives belong in patches (the API \
             server refuses the field)",
            display(&args.base)
        )));
    }
    base.drop_nulls();
    let mut patches = Vec::with_capacity(args.patches.len());
    for (i, path) in args.patches.iter().enumerate() {
        let patch = Node::from_json(&read_document(path)?, i as u32 + 1);
        let unknown = unknown_fields(&patch, shape);
        if let Some(first) = unknown.first() {
            let more = match unknown.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            return Err(input_error(format!(
                "{}: {first}{more}; the API server's strict field validation refuses unknown fields",
                display(path)
            )));
        }
        patches.push(patch);
    }
    let mut document = base;
    for patch in &patches {
        document = apply_patch(document, patch, shape).map_err(|error| {
            let patch = (error.origin as usize).checked_sub(1).and_then(|i| args.patches.get(i));
            let file = patch.map_or_else(|| display(&args.base), |p| display(p));
            input_error(format!("{file}: {error}"))
        })?;
    }
    let json = document.to_json();
    let text = match args.format {
        Format::Json => {
            let mut text =
                serde_json::to_string_pretty(&json).map_err(|e| usage_error(format!("cannot print JSON: {e}")))?;
            text.push('\n');
            text
        }
        Format::Yaml => skiff_k8s::yaml::to_yaml(&json).map_err(usage_error)?,
    };
    // A write error settles the status in `out::exit`.
    crate::out::write(crate::out::Stream::Stdout, text.as_bytes());
    Ok(())
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

fn display(path: &Path) -> String {
    if is_stdin(path) { "<stdin>".to_owned() } else { path.display().to_string() }
}

/// Reads one YAML or JSON document: JSON for a `.json` file, YAML otherwise (YAML reads JSON
/// too, but JSON's own parser gives better messages for it, so text that starts with `{` tries
/// JSON first).
fn read_document(path: &Path) -> Result<Value, Failure> {
    let name = display(path);
    let mut bytes = Vec::new();
    let read = if is_stdin(path) {
        std::io::stdin().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map(|_| ())
    };
    read.map_err(|e| usage_error(format!("cannot read `{name}`: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        input_error(format!("{name}: not UTF-8 text (first bad byte at offset {})", e.utf8_error().valid_up_to()))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let is_json_file = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let value = if is_json_file {
        skiff_k8s::yaml::read_json(text).map_err(|e| input_error(format!("{name}: {e}")))?
    } else if text.trim_start().starts_with('{')
        && let Ok(value) = skiff_k8s::yaml::read_json(text)
    {
        value
    } else {
        read_yaml(text).map_err(|e| input_error(format!("{name}: {e}")))?
    };
    match value {
        Value::Object(_) => Ok(value),
        Value::Null => Err(input_error(format!("{name}: the file holds no document"))),
        other => Err(input_error(format!("{name}: expected an object, found {}", kind_name(&other)))),
    }
}

fn read_yaml(text: &str) -> Result<Value, String> {
    skiff_k8s::yaml::read_yaml(text).map(|node| node.to_json()).map_err(|e| e.message)
}

fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Which schema the document follows, from its `kind` (or its lack of one).
fn document_shape<O>(document: &Node<O>) -> Result<Shape, String> {
    let what = pod_document(document);
    if let Some(shape) = what.shape() {
        return Ok(shape);
    }
    Err(match what {
        PodDocument::OtherKind(kind) => format!(
            "`skiff patch` works on a Pod, a PodTemplate or a bare `{{metadata, spec}}`; this is a {}",
            match kind.as_str() {
                Some(kind) => kind.to_owned(),
                None => format!("document whose `kind` is {}", kind_name(&kind.to_json())),
            }
        ),
        PodDocument::StrayKey(key, _) => format!(
            "a document without `kind` must be a bare `{{metadata, spec}}`; it has `{key}` (add `kind: Pod` or \
             `kind: PodTemplate`?)"
        ),
        _ => "expected an object".to_owned(),
    })
}
