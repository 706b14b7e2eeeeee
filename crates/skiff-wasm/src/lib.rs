//! The playground's engine: a skiff workspace held in memory, answering JSON calls with what
//! `skiff-ide` and the compiler compute (diagnostics, hover, a node's effective pod, `skiff build`
//! for each target), built for `wasm32-wasip1` and run in the browser (`playground/`).
//!
//! It is a front end, like `skiff-lsp`: it converts, it does not decide. Offsets cross the
//! boundary in UTF-16 code units (a JavaScript string's indices), converted here and nowhere
//! else; every answer is the one the CLI and the language server give for the same files.
//!
//! It is not for IO (the page holds the files), threads (wasm32-wasip1 has none: the workspace
//! checks on one thread there, since `available_parallelism` is unknown), or anything the page
//! could compute itself.

mod utf16;

use serde::Deserialize;
use serde_json::{Value, json};
use skiff_ide::{AnalysisHost, FilePosition, Severity};
use skiff_sema::compile::{self, BuildOptions};

/// The workspace of the page: its files by workspace path.
#[derive(Default)]
pub struct Playground {
    host: AnalysisHost,
}

/// One call from the page.
#[derive(Deserialize)]
#[serde(tag = "method", rename_all = "camelCase")]
pub enum Call {
    /// Adds or changes a file: `.skiff`, `skiff.toml`, or a YAML template.
    SetFile {
        path: String,
        text: String,
    },
    RemoveFile {
        path: String,
    },
    /// Every diagnostic of every file.
    Diagnostics,
    Hover {
        path: String,
        offset: u32,
    },
    /// The pod of the node whose `let` holds the offset (as `skiff explain` prints it).
    EffectivePod {
        path: String,
        offset: u32,
    },
    /// What `skiff build --target TARGET` prints: `pods`, `argo` or `podtemplates`.
    Build {
        target: String,
    },
}

impl Playground {
    pub fn new() -> Self {
        Self::default()
    }

    /// Answers a call given as JSON, with JSON: `{"ok": ...}` or `{"error": "..."}`.
    pub fn handle_json(&mut self, call: &str) -> String {
        let answer = match serde_json::from_str::<Call>(call) {
            Ok(call) => match self.handle(call) {
                Ok(value) => json!({ "ok": value }),
                Err(error) => json!({ "error": error }),
            },
            Err(error) => json!({ "error": format!("a call the playground does not know: {error}") }),
        };
        answer.to_string()
    }

    pub fn handle(&mut self, call: Call) -> Result<Value, String> {
        match call {
            Call::SetFile { path, text } => {
                if path == "skiff.toml" {
                    self.host.set_config(text);
                } else if path.ends_with(".skiff") {
                    self.host.set_file(&path, text);
                } else {
                    self.host.set_data_file(&path, text);
                }
                Ok(Value::Null)
            }
            Call::RemoveFile { path } => {
                if path.ends_with(".skiff") {
                    self.host.remove_file(&path);
                } else {
                    // Data files and `skiff.toml` stay known: empty, as the language server does.
                    self.handle(Call::SetFile { path, text: String::new() })?;
                }
                Ok(Value::Null)
            }
            Call::Diagnostics => Ok(self.diagnostics()),
            Call::Hover { path, offset } => {
                let Some(text) = self.host.text(&path) else { return Ok(Value::Null) };
                let position = FilePosition::new(&path, utf16::to_byte(&text, offset));
                let hover = self.host.analysis().hover(&position).map_err(|_| "cancelled")?;
                Ok(hover.map_or(Value::Null, |h| {
                    json!({
                        "markdown": h.markdown,
                        "from": utf16::from_byte(&text, h.span.start),
                        "to": utf16::from_byte(&text, h.span.end),
                    })
                }))
            }
            Call::EffectivePod { path, offset } => {
                let Some(text) = self.host.text(&path) else { return Ok(Value::Null) };
                let position = FilePosition::new(&path, utf16::to_byte(&text, offset));
                let pod = self.host.analysis().effective_pod_at(&position).map_err(|_| "cancelled")?;
                Ok(pod.map_or(Value::Null, |p| json!({ "node": p.node, "text": p.text, "summary": p.summary })))
            }
            Call::Build { target } => self.build(&target),
        }
    }

    fn diagnostics(&self) -> Value {
        let analysis = self.host.analysis();
        let mut paths = self.host.skiff_paths();
        if self.host.contains("skiff.toml") {
            paths.insert(0, "skiff.toml".to_string());
        }
        let mut out = Vec::new();
        for path in paths {
            let text = self.host.text(&path).unwrap_or_default();
            for d in analysis.diagnostics(&path).unwrap_or_default() {
                let mut message = d.message.clone();
                if let Some(help) = &d.help {
                    message.push_str("\nhelp: ");
                    message.push_str(help);
                }
                out.push(json!({
                    "path": path,
                    "from": utf16::from_byte(&text, d.span.start),
                    "to": utf16::from_byte(&text, d.span.end),
                    "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "code": d.code,
                    "message": message,
                }));
            }
        }
        Value::Array(out)
    }

    /// `skiff build --target TARGET`'s standard output, or why there is none (as `skiff build`
    /// refuses a workspace with errors).
    fn build(&self, target: &str) -> Result<Value, String> {
        let analysis = self.host.analysis();
        let mut errors = 0;
        for path in std::iter::once("skiff.toml".to_string()).chain(self.host.skiff_paths()) {
            let diagnostics = analysis.diagnostics(&path).map_err(|_| "cancelled")?;
            errors += diagnostics.iter().filter(|d| d.severity == Severity::Error).count();
        }
        if errors > 0 {
            let s = if errors == 1 { "" } else { "s" };
            return Err(format!("{errors} error{s}: fix them to build"));
        }
        let db = self.host.database();
        let options = BuildOptions::default();
        let documents: Vec<String> = match target {
            "pods" => {
                let mut out = Vec::new();
                compile::build_each(
                    db,
                    &options,
                    |pod| skiff_k8s::yaml::to_yaml(&pod.pod).map_err(Failure),
                    |text| {
                        out.push(text);
                        Ok::<(), Failure>(())
                    },
                )
                .map_err(|Failure(e)| e)?;
                out
            }
            "argo" => yaml_each(&skiff_sema::argo::build(db, &options).map_err(|e| e.to_string())?)?,
            "podtemplates" => yaml_each(&compile::pod_templates(db, &options).map_err(|e| e.to_string())?)?,
            other => return Err(format!("no target `{other}`: pods, argo or podtemplates")),
        };
        Ok(Value::String(documents.join("---\n")))
    }
}

struct Failure(String);

impl From<compile::BuildError> for Failure {
    fn from(error: compile::BuildError) -> Self {
        Failure(error.to_string())
    }
}

fn yaml_each<T: serde::Serialize>(objects: &[T]) -> Result<Vec<String>, String> {
    objects.iter().map(skiff_k8s::yaml::to_yaml).collect()
}

#[cfg(target_family = "wasm")]
mod exports;

#[cfg(test)]
mod tests;
