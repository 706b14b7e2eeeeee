//! `skiff build` (docs/cli.md) and `skiff explain W.NODE` (docs/merge.md, "Provenance"): the compiler's output, and
//! one node's effective pod with where each value came from. Both check the sources first and
//! print the diagnostics on stderr, so stdout holds only manifests (or the explanation).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use k8s_openapi::api::core::v1::PodTemplate;
use skiff_k8s::argo;
use skiff_k8s::yaml::render_noted;
use skiff_sema::compile::{self, BuildError, BuildOptions};
use skiff_sema::explain::{self, ExplainLine};

use crate::files::{self, Loaded};
use crate::{ColorChoice, Deny, EXIT_USAGE, MessageFormat, OutputArgs, out, report};

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Files or directories (default: the current directory).
    paths: Vec<PathBuf>,
    /// What to make: a Pod per workflow node, an Argo Workflows `WorkflowTemplate` (or
    /// `Workflow`, see skiff.toml's `[argo]`) per workflow, or a `PodTemplate` per pod_template.
    #[arg(long, value_enum, default_value_t = Target::Pods)]
    target: Target,
    /// A multi-document YAML stream, or one JSON `v1` `List`.
    #[arg(long, value_enum, default_value_t = Format::Yaml)]
    format: Format,
    /// Write one `<name>.yaml` (or `.json`) per object into this directory instead.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    output_dir: Option<PathBuf>,
    /// Only this workflow (repeatable).
    #[arg(long = "workflow", value_name = "W")]
    workflows: Vec<String>,
    /// The value of a workflow parameter, for `{{inputs.x}}` (repeatable).
    #[arg(long = "input", value_name = "NAME=VALUE", value_parser = parse_input)]
    inputs: Vec<(String, String)>,
    /// The namespace of every Pod (over `skiff.toml`'s `namespace`).
    #[arg(long)]
    namespace: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// The node: `WORKFLOW.BINDING`, as in `my_workflow.m2`.
    node: String,
    /// Files or directories (default: the current directory).
    paths: Vec<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Target {
    /// One `v1` `Pod` per workflow node.
    Pods,
    /// One Argo Workflows `WorkflowTemplate` (or `Workflow`) per workflow.
    Argo,
    /// One `v1` `PodTemplate` per `pod_template` (for Flyte's `pod_template_name`).
    Podtemplates,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Yaml,
    Json,
}

fn parse_input(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("`{text}`: write NAME=VALUE")),
    }
}

/// Loads the workspace and prints its diagnostics on stderr; `None` (with the exit code) when
/// there is nothing to build from.
fn load_checked(paths: &[PathBuf], output: &OutputArgs) -> Result<Loaded, ExitCode> {
    let loaded = files::load(paths).map_err(|error| {
        out::say!("error: {error}");
        ExitCode::from(EXIT_USAGE)
    })?;
    let mut diagnostics = loaded.workspace.diagnostics();
    diagnostics.extend(loaded.unreadable_diagnostics());
    let summary = report::summarize(&diagnostics);
    report::render(&loaded, &diagnostics, output.message_format, output.color, out::Stream::Stderr);
    let deny_warnings = output.deny.contains(&Deny::Warnings);
    if summary.errors > 0 || deny_warnings && summary.warnings > 0 {
        let what = if summary.errors > 0 { "errors" } else { "warnings (denied)" };
        // A SARIF log on stderr stays one JSON document.
        if !matches!(output.message_format, MessageFormat::Sarif) {
            out::say!("error: nothing was built: the sources have {what}");
        }
        return Err(ExitCode::from(1));
    }
    Ok(loaded)
}

pub fn run_build(args: BuildArgs) -> ExitCode {
    let loaded = match load_checked(&args.paths, &args.output) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if let Some(namespace) = &args.namespace
        && let Err(reason) = skiff_k8s::names::check_dns1123_label(namespace)
    {
        out::say!("error: `--namespace {namespace}`: {reason}");
        return ExitCode::from(EXIT_USAGE);
    }
    let options = BuildOptions {
        namespace: args.namespace.clone(),
        inputs: args.inputs.iter().cloned().collect::<BTreeMap<_, _>>(),
        workflows: args.workflows.clone(),
    };
    let db = &loaded.workspace.db;
    let result = match (args.target, &args.output_dir, args.format) {
        (Target::Pods, Some(dir), format) => write_files(&loaded, &options, dir, format),
        (Target::Pods, None, Format::Yaml) => stream_yaml(&loaded, &options),
        (Target::Pods, None, Format::Json) => print_list(&loaded, &options),
        (Target::Argo, dir, format) => write_objects(
            dir.as_deref(),
            format,
            |w: &argo::Workflow| object_name(&w.metadata),
            |emit| skiff_sema::argo::build_each(db, &options, emit),
        ),
        (Target::Podtemplates, dir, format) => write_objects(
            dir.as_deref(),
            format,
            |t: &PodTemplate| object_name(&t.metadata),
            |emit| compile::pod_templates(db, &options)?.into_iter().try_for_each(emit),
        ),
    };
    // Freeing the database memo by memo takes a twentieth of a large build; the process ends
    // here, and the system takes its memory back at once.
    std::mem::forget(loaded);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Build(error @ (BuildError::UnknownWorkflow { .. } | BuildError::UnknownInput { .. }))) => {
            out::say!("error: {error}");
            ExitCode::from(EXIT_USAGE)
        }
        Err(Failure::Build(error)) => {
            out::say!("error: {error}");
            ExitCode::from(1)
        }
        // A reader that stopped early (`skiff build | head`) is not an error of ours.
        Err(Failure::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Output(error)) => {
            out::say!("error: cannot write the manifests: {error}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Why a build stopped: the request, or writing its output.
enum Failure {
    Build(BuildError),
    Output(std::io::Error),
}

impl From<BuildError> for Failure {
    fn from(error: BuildError) -> Self {
        Failure::Build(error)
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        Failure::Output(error)
    }
}

fn other(message: String) -> Failure {
    Failure::Output(std::io::Error::other(message))
}

/// Each Pod written as soon as it is made: a large build never holds them all.
fn stream_yaml(loaded: &Loaded, options: &BuildOptions) -> Result<(), Failure> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    let render = |pod: compile::CompiledPod| document(&pod.pod, Format::Yaml).map_err(other);
    compile::build_each(&loaded.workspace.db, options, render, |text| {
        if !first {
            out.write_all(b"---\n")?;
        }
        first = false;
        out.write_all(text.as_bytes())?;
        Ok::<(), Failure>(())
    })?;
    out.flush()?;
    Ok(())
}

/// The `v1` `List` streamed like the YAML: each Pod printed (on any core) as soon as it is made,
/// indented into the List; the same text as printing the whole List at once.
fn print_list(loaded: &Loaded, options: &BuildOptions) -> Result<(), Failure> {
    const HEAD: &[u8] = b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [";
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    // Each Pod printed where it stands in the List: two levels in, on a line of its own.
    // Room for a typical Pod's text (2-3 KB), which otherwise grew from a few bytes ten times;
    // and serde_json writes UTF-8, so the bytes go out as they are, not checked again.
    let render = |pod: compile::CompiledPod| {
        let mut text = Vec::with_capacity(4096);
        text.extend_from_slice(b"\n    ");
        let mut serializer = serde_json::Serializer::with_formatter(&mut text, NestedPretty::at_depth(2));
        serde::Serialize::serialize(&pod.pod, &mut serializer).map_err(|e| other(e.to_string()))?;
        Ok::<_, Failure>(text)
    };
    // Nothing is written before the first Pod: a request refused before it prints nothing.
    compile::build_each(&loaded.workspace.db, options, render, |text| {
        out.write_all(if first { HEAD } else { b"," })?;
        first = false;
        out.write_all(&text)?;
        Ok::<(), Failure>(())
    })?;
    if first {
        out.write_all(HEAD)?;
        out.write_all(b"]\n}\n")?;
    } else {
        out.write_all(b"\n  ]\n}\n")?;
    }
    out.flush()?;
    Ok(())
}

/// serde_json's pretty layout (two spaces a level) for a value that starts `depth` levels in:
/// the text `to_string_pretty` gives with every line after the first indented by `depth` levels,
/// written once instead of printed and then indented.
struct NestedPretty {
    depth: usize,
    has_value: bool,
}

impl NestedPretty {
    fn at_depth(depth: usize) -> Self {
        NestedPretty { depth, has_value: false }
    }

    /// A comma unless `first`, then the line break and the indent, all in one write: two spaces
    /// a write, a level at a time, were a sixth of printing a Pod.
    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.line(writer, usize::from(first))
    }

    /// `LINE` from `from` (0 with the comma, 1 without) to the end of this depth's indent.
    fn line<W: ?Sized + Write>(&self, writer: &mut W, from: usize) -> std::io::Result<()> {
        const LINE: &[u8] = b",\n                                                                ";
        const LEVELS: usize = (LINE.len() - 2) / 2;
        writer.write_all(&LINE[from..2 + 2 * self.depth.min(LEVELS)])?;
        // Deeper than LINE reaches: the rest of the indent, LEVELS levels a write.
        let mut rest = self.depth.saturating_sub(LEVELS);
        while rest > 0 {
            let levels = rest.min(LEVELS);
            writer.write_all(&LINE[2..2 + 2 * levels])?;
            rest -= levels;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(writer, 1)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for NestedPretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
        self.new_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

fn document(object: &impl serde::Serialize, format: Format) -> Result<String, String> {
    match format {
        Format::Yaml => skiff_k8s::yaml::to_yaml(object),
        Format::Json => serde_json::to_string_pretty(object).map(|t| t + "\n").map_err(|e| e.to_string()),
    }
}

/// The name a file of an object is called by: its name, or its `generateName` without the dash.
fn object_name(metadata: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> String {
    let name = metadata.name.as_deref().or(metadata.generate_name.as_deref().map(|n| n.trim_end_matches('-')));
    name.unwrap_or("object").to_owned()
}

/// Objects made one by one by `make` (a workflow or a template each), each written as soon as
/// it is made: a YAML stream, one `v1` `List`, or a file each in `dir`.
fn write_objects<T: serde::Serialize>(
    dir: Option<&Path>,
    format: Format,
    name: impl Fn(&T) -> String,
    make: impl FnOnce(&mut dyn FnMut(T) -> Result<(), Failure>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(|e| other(format!("cannot create `{}`: {e}", dir.display())))?;
        let extension = if format == Format::Yaml { "yaml" } else { "json" };
        let mut count = 0;
        make(&mut |object| {
            let path = dir.join(format!("{}.{extension}", name(&object)));
            let text = document(&object, format).map_err(other)?;
            std::fs::write(&path, text).map_err(|e| other(format!("cannot write `{}`: {e}", path.display())))?;
            count += 1;
            Ok(())
        })?;
        out::say!("wrote {count} object{} to {}", if count == 1 { "" } else { "s" }, dir.display());
        return Ok(());
    }
    const HEAD: &[u8] = b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [";
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    // Nothing is written before the first object: a request refused before it prints nothing.
    make(&mut |object| {
        match format {
            Format::Yaml => {
                if !first {
                    out.write_all(b"---\n")?;
                }
                out.write_all(document(&object, format).map_err(other)?.as_bytes())?;
            }
            Format::Json => {
                out.write_all(if first { HEAD } else { b"," })?;
                let text = serde_json::to_string_pretty(&object).map_err(|e| other(e.to_string()))?;
                for line in text.lines() {
                    out.write_all(b"\n    ")?;
                    out.write_all(line.as_bytes())?;
                }
            }
        }
        first = false;
        Ok(())
    })?;
    if format == Format::Json {
        out.write_all(if first {
            b"{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": []\n}\n"
        } else {
            b"\n  ]\n}\n"
        })?;
    }
    out.flush()?;
    Ok(())
}

fn write_files(loaded: &Loaded, options: &BuildOptions, dir: &Path, format: Format) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| other(format!("cannot create `{}`: {e}", dir.display())))?;
    let extension = match format {
        Format::Yaml => "yaml",
        Format::Json => "json",
    };
    let mut written = 0;
    let render = |pod: compile::CompiledPod| {
        let name = pod.pod.metadata.name.as_deref().unwrap_or("pod");
        let path = dir.join(format!("{name}.{extension}"));
        let text = document(&pod.pod, format).map_err(other)?;
        std::fs::write(&path, text).map_err(|e| other(format!("cannot write `{}`: {e}", path.display())))?;
        Ok::<(), Failure>(())
    };
    compile::build_each(&loaded.workspace.db, options, render, |()| {
        written += 1;
        Ok::<(), Failure>(())
    })?;
    out::say!("wrote {written} pod{} to {}", if written == 1 { "" } else { "s" }, dir.display());
    Ok(())
}

pub fn run_explain(args: ExplainArgs) -> ExitCode {
    // A name that cannot be a node is said before anything is read.
    if let Err(error) = explain::split_node_name(&args.node) {
        out::say!("error: {error}");
        return ExitCode::from(EXIT_USAGE);
    }
    let loaded = match load_checked(&args.paths, &args.output) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let db = &loaded.workspace.db;
    let node = match explain::node_by_name(db, &args.node) {
        Ok(node) => node,
        Err(error) => {
            out::say!("error: {error}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let Some(explained) = explain::explain_node(db, node) else {
        out::say!("error: `{}` does not call a task", args.node);
        return ExitCode::from(1);
    };
    let color = match args.output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let header = explain::explain_header(db, &explained);
    let text = header
        + &render(&loaded, &explain::explain_lines(db, &explained), color)
        + &explain::explain_changes(&explained);
    out::write(out::Stream::Stdout, text.as_bytes());
    ExitCode::SUCCESS
}

/// The lines with their notes aligned, file paths as the user wrote them, notes dimmed and
/// layers colored on a terminal.
fn render(loaded: &Loaded, lines: &[ExplainLine], color: bool) -> String {
    render_noted(lines, |note| {
        let place = note.at.as_ref().map(|(file, line)| format!(" ({}:{line})", loaded.display_path(file)));
        let place = place.unwrap_or_default();
        if color {
            format!("\x1b[2m# \x1b[0m\x1b[36m{}\x1b[0m\x1b[2m{place}\x1b[0m", note.layer)
        } else {
            format!("# {}{place}", note.layer)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::NestedPretty;

    /// The layout is serde_json's own, every line after the first moved in: empty containers
    /// stay on one line, nested and trailing ones close where serde_json closes them.
    #[test]
    fn nested_pretty_is_pretty_json_indented() {
        let value = serde_json::json!({
            "a": 1, "empty": {}, "none": [], "list": [1, [2, {}], {"b": [[]], "c": "x\ny"}],
            "deep": {"e": {"f": [null, true, 1.5, "\u{1f}"]}}
        });
        // 30 and on: lines deeper than one write of indent reaches (32 levels).
        for depth in [0, 1, 2, 5, 30, 31, 32, 33, 64, 70] {
            let pretty = serde_json::to_string_pretty(&value).expect("serializes");
            let expected = pretty.lines().collect::<Vec<_>>().join(&format!("\n{}", "  ".repeat(depth)));
            let mut text = Vec::new();
            let mut serializer = serde_json::Serializer::with_formatter(&mut text, NestedPretty::at_depth(depth));
            serde::Serialize::serialize(&value, &mut serializer).expect("serializes");
            assert_eq!(String::from_utf8(text).expect("UTF-8"), expected, "at depth {depth}");
        }
    }
}
