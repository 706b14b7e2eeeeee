//! `skiff.toml`: the project's defaults.
//!
//! ```toml
//! [defaults]
//! pod_template = "lib/platform.skiff:platform"      # a template in a .skiff file, or
//! # pod_template = "cluster/default-template.yaml"  # a Kubernetes PodTemplate file
//! namespace = "ml"
//!
//! [lints]                                           # the level of a lint or a warning
//! "host-network" = "allow"                          # "allow", "warn" or "deny"
//! "missing-memory-limit" = "deny"
//!
//! [argo]                                            # `skiff build --target argo`
//! kind = "WorkflowTemplate"                         # or "Workflow"
//! service_account_name = "argo-workflow"
//! artifact_repository_ref = { config_map = "artifact-repositories", key = "default" }
//! ```

use crate::codes;
use crate::db::Db;
use crate::items::{ItemTag, file_items};
use crate::lints::{self, Level};
use serde::Deserialize;
use skiff_syntax::{Diagnostic, Span};
use std::collections::BTreeMap;
use toml::Spanned;

/// The project's defaults, position-free.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ProjectConfig {
    pub default_template: Option<DefaultTemplate>,
    pub namespace: Option<String>,
    /// The levels `[lints]` sets, by code (only lints and warnings: [`lints::is_configurable`]).
    pub lints: BTreeMap<String, Level>,
    pub argo: ArgoConfig,
}

/// How `skiff build --target argo` writes a workflow (`[argo]`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct ArgoConfig {
    /// A `Workflow` (with `generateName`) instead of a `WorkflowTemplate`.
    pub workflow_kind: bool,
    pub service_account_name: Option<String>,
    /// `(configMap, key)` of Argo's `artifactRepositoryRef`.
    pub artifact_repository_ref: Option<(Option<String>, Option<String>)>,
}

/// The project default template (layer 2 of the effective pod).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DefaultTemplate {
    /// `path.skiff:name`
    Skiff { path: String, name: String },
    /// A Kubernetes `PodTemplate` YAML file.
    Yaml { path: String },
}

/// `skiff.toml`, as it is read. Its JSON Schema ([`config_json_schema`]) is derived from these
/// types, so what editors complete and what skiff accepts cannot drift apart; the doc comments
/// are the descriptions editors show.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "skiff.toml",
    description = "The project file of a skiff workspace: its directory is the workspace root."
)]
struct RawConfig {
    /// Defaults for every workflow of the workspace.
    // TOML has no null: the schema says "a table", and `default` makes it optional.
    #[serde(default)]
    #[schemars(with = "RawDefaults")]
    defaults: Option<RawDefaults>,
    /// The level of a lint or a warning, by its code (docs/diagnostics.md): `"allow"` (not
    /// reported), `"warn"` (reported, fails nothing) or `"deny"` (an error: `skiff check` exits 1).
    #[serde(default)]
    #[schemars(schema_with = "lints_schema")]
    lints: Option<BTreeMap<Spanned<String>, Spanned<String>>>,
    /// How `skiff build --target argo` writes each workflow for Argo Workflows.
    #[serde(default)]
    #[schemars(with = "RawArgo")]
    argo: Option<RawArgo>,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawArgo {
    /// The object each workflow becomes: a `WorkflowTemplate` (the default; run it with
    /// `argo submit --from workflowtemplate/NAME`) or a `Workflow` (with `generateName`;
    /// run it with `argo submit FILE` or `kubectl create -f FILE`).
    #[serde(default)]
    kind: Option<ArgoKind>,
    /// The service account of the workflow's pods (`spec.serviceAccountName`); a pod template
    /// that sets `serviceAccountName` wins for its nodes.
    #[serde(default)]
    #[schemars(with = "String", length(max = 253), regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"))]
    service_account_name: Option<Spanned<String>>,
    /// Where artifacts are kept: a key of a ConfigMap holding an artifact repository
    /// (Argo's `artifactRepositoryRef`); without it, the namespace's or controller's default.
    #[serde(default)]
    #[schemars(with = "RawArtifactRepositoryRef")]
    artifact_repository_ref: Option<RawArtifactRepositoryRef>,
}

#[derive(Deserialize, schemars::JsonSchema)]
enum ArgoKind {
    WorkflowTemplate,
    Workflow,
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawArtifactRepositoryRef {
    /// The ConfigMap's name (Argo's default: `artifact-repositories`).
    #[serde(default)]
    #[schemars(with = "String", length(max = 253), regex(pattern = r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"))]
    config_map: Option<Spanned<String>>,
    /// The key in that ConfigMap (Argo's default: the one its annotation names).
    #[serde(default)]
    key: Option<String>,
}

/// `[lints]`: a known code to a level, so that editors complete both.
fn lints_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let codes: Vec<&str> = lints::LINTS.iter().map(|(code, _)| *code).chain(lints::WARNINGS.iter().copied()).collect();
    schemars::json_schema!({
        "type": "object",
        "propertyNames": { "enum": codes },
        "additionalProperties": { "enum": ["allow", "warn", "deny"] }
    })
}

#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    /// The project default template, the layer every task's pod starts from: a template in a
    /// skiff file, written `"path/to/file.skiff:template_name"`, or a Kubernetes `PodTemplate`
    /// YAML file, `"path/to/template.yaml"`; relative to `skiff.toml`.
    #[serde(default)]
    #[schemars(with = "String", regex(pattern = r"^(.+\.skiff:[A-Za-z_][A-Za-z0-9_]*|.+\.ya?ml)$"))]
    pod_template: Option<Spanned<String>>,
    /// The namespace of every compiled Pod (a DNS-1123 label). Without it, Pods carry no
    /// namespace and `kubectl apply -n` decides.
    #[serde(default)]
    #[schemars(with = "String", length(max = 63), regex(pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"))]
    namespace: Option<Spanned<String>>,
}

/// The JSON Schema of `skiff.toml` (draft 2020-12), for editors that complete and check TOML
/// from one (taplo, Even Better TOML). The committed copy is `editors/vscode/schemas/skiff.toml.json`.
pub fn config_json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(RawConfig).to_value();
    drop_null_defaults(&mut schema);
    schema
}

/// `#[serde(default)]` on an `Option` shows as `"default": null`, which TOML cannot write and a
/// string-typed property contradicts: an absent key is the default.
fn drop_null_defaults(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(object) => {
            if object.get("default").is_some_and(serde_json::Value::is_null) {
                object.remove("default");
            }
            object.values_mut().for_each(drop_null_defaults);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}

/// The configuration and the problems found in `skiff.toml` (spans in that file).
#[salsa::tracked(returns(ref))]
pub fn project_config(db: &dyn Db) -> (ProjectConfig, Vec<Diagnostic>) {
    let Some(file) = db.files().config(db) else { return (ProjectConfig::default(), Vec::new()) };
    let mut diagnostics = Vec::new();
    let raw: RawConfig = match toml::from_str(file.text(db)) {
        Ok(raw) => raw,
        Err(error) => {
            let span = error.span().map_or(Span::empty(0), Span::from_range);
            diagnostics.push(Diagnostic::new(codes::INVALID_CONFIG, span, error.message().to_string()).with_help(
                "skiff.toml holds a `[defaults]` table (`pod_template`, `namespace`) and an `[argo]` table",
            ));
            return (ProjectConfig::default(), diagnostics);
        }
    };
    let mut config = ProjectConfig::default();
    for (code, level) in raw.lints.unwrap_or_default() {
        match lint_level(code.get_ref(), level.get_ref()) {
            Ok(level) => {
                config.lints.insert(code.into_inner(), level);
            }
            Err((message, on_code)) => {
                let span = Span::from_range(if on_code { code.span() } else { level.span() });
                diagnostics.push(Diagnostic::new(codes::INVALID_CONFIG, span, message));
            }
        }
    }
    if let Some(argo) = raw.argo {
        config.argo = argo_config(argo, &mut diagnostics);
    }
    let Some(defaults) = raw.defaults else {
        diagnostics.sort_by_key(|d| d.span.start);
        return (config, diagnostics);
    };
    if let Some(namespace) = defaults.namespace {
        let span = Span::from_range(namespace.span());
        match skiff_k8s::names::check_dns1123_label(namespace.get_ref()) {
            Ok(()) => config.namespace = Some(namespace.into_inner()),
            Err(reason) => diagnostics.push(Diagnostic::new(
                codes::INVALID_CONFIG,
                span,
                format!("`{}` is not a namespace name: {reason}", namespace.get_ref()),
            )),
        }
    }
    if let Some(template) = defaults.pod_template {
        let span = Span::from_range(template.span());
        match default_template(db, template.get_ref()) {
            Ok(found) => config.default_template = Some(found),
            Err(message) => diagnostics.push(Diagnostic::new(codes::INVALID_CONFIG, span, message).with_help(
                "write \"path/to/file.skiff:template_name\" or \"path/to/template.yaml\", relative to skiff.toml",
            )),
        }
    }
    diagnostics.sort_by_key(|d| d.span.start);
    (config, diagnostics)
}

/// A `[lints]` entry; the error says whether the code (`true`) or the level is wrong.
fn lint_level(code: &str, level: &str) -> Result<Level, (String, bool)> {
    if !lints::is_configurable(code) {
        let known: Vec<&str> = lints::LINTS.iter().map(|(c, _)| *c).chain(lints::WARNINGS.iter().copied()).collect();
        let is_error =
            codes::ALL.iter().chain(skiff_k8s::codes::ALL).chain(skiff_syntax::error::codes::ALL).any(|c| *c == code);
        let message = if is_error {
            format!("`{code}` is an error, not a lint: only lints and warnings take a level")
        } else {
            match skiff_k8s::names::suggest(code, known.iter().copied()) {
                Some(near) => format!("no lint or warning `{code}`; did you mean `{near}`?"),
                None => format!("no lint or warning `{code}` (docs/diagnostics.md lists them)"),
            }
        };
        return Err((message, true));
    }
    Level::parse(level)
        .ok_or_else(|| (format!("`{level}` is not a level: write \"allow\", \"warn\" or \"deny\""), false))
}

fn argo_config(raw: RawArgo, diagnostics: &mut Vec<Diagnostic>) -> ArgoConfig {
    let mut name = |value: Option<Spanned<String>>, what: &str| {
        let value = value?;
        match skiff_k8s::names::check_dns1123_subdomain(value.get_ref()) {
            Ok(()) => Some(value.into_inner()),
            Err(reason) => {
                diagnostics.push(Diagnostic::new(
                    codes::INVALID_CONFIG,
                    Span::from_range(value.span()),
                    format!("`{}` is not a {what} name: {reason}", value.get_ref()),
                ));
                None
            }
        }
    };
    let service_account_name = name(raw.service_account_name, "service account");
    let artifact_repository_ref = raw.artifact_repository_ref.map(|r| (name(r.config_map, "ConfigMap"), r.key));
    ArgoConfig {
        workflow_kind: matches!(raw.kind, Some(ArgoKind::Workflow)),
        service_account_name,
        artifact_repository_ref,
    }
}

fn default_template(db: &dyn Db, text: &str) -> Result<DefaultTemplate, String> {
    let files = db.files();
    if text.ends_with(".yaml") || text.ends_with(".yml") {
        let path = text.trim_start_matches("./").to_string();
        return if files.data_files(db).contains_key(&path) {
            Ok(DefaultTemplate::Yaml { path })
        } else {
            Err(missing(db, &path))
        };
    }
    let Some((path, name)) = text.rsplit_once(':') else {
        return Err(format!("`{text}` names no template: write `FILE.skiff:NAME` or a `.yaml` file"));
    };
    let path = path.trim_start_matches("./").to_string();
    let Some(file) = files.skiff_files(db).get(&path) else { return Err(missing(db, &path)) };
    let found = file_items(db, *file).iter().find(|i| i.tag(db) == ItemTag::Template && i.name(db) == name);
    match found {
        Some(_) => Ok(DefaultTemplate::Skiff { path, name: name.to_string() }),
        None => {
            let templates: Vec<&str> = file_items(db, *file)
                .iter()
                .filter(|i| i.tag(db) == ItemTag::Template)
                .map(|i| i.name(db).as_str())
                .collect();
            let hint =
                skiff_k8s::names::suggest(name, templates).map_or(String::new(), |n| format!("; did you mean `{n}`?"));
            Err(format!("`{path}` has no pod_template named `{name}`{hint}"))
        }
    }
}

/// Why the file a default template names is not in the workspace.
fn missing(db: &dyn Db, path: &str) -> String {
    match db.files().refused(db).get(path) {
        Some(refusal) => format!("`{path}` is not read: {refusal}"),
        None => format!("no file `{path}` in the workspace"),
    }
}
