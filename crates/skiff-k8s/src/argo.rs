//! Argo Workflows: the objects `skiff build --target argo` writes (`argoproj.io/v1alpha1`
//! `WorkflowTemplate` and `Workflow`), how a Pod becomes a container template and back, and
//! which text Argo reads as its own variables.
//!
//! What Argo's controller does with a template (its `workflow/controller/workflowpod.go`): the
//! template's `container` becomes the pod's container named `main`, `sidecars` and
//! `initContainers` join it, `volumes`, `nodeSelector`, `tolerations`, `affinity`,
//! `securityContext`, `serviceAccountName`, `hostAliases`, `schedulerName`,
//! `priorityClassName`, `automountServiceAccountToken`, `activeDeadlineSeconds` and the
//! template's `metadata` land on the pod, and last the template's `podSpecPatch` is applied
//! as a strategic merge patch of the `PodSpec`. [`split_pod`] cuts a Pod along exactly those
//! lines, so that nothing is left for workflow-level defaults to fill; [`pod_from_template`]
//! is the controller's direction, leaving out what the controller adds for itself (its `wait`
//! and `init` containers, its volumes, its environment variables).
//!
//! This module is not for skiff's workflows (which task is a template, what a parameter is
//! called): that mapping is `skiff_sema::argo`'s.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Affinity, Container, HostAlias, PodSecurityContext, PodSpec, Toleration, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use crate::merge::{Node, Shape};

/// The API group and version of every Argo object.
pub const API_VERSION: &str = "argoproj.io/v1alpha1";

/// The name Argo gives a container template's container (`common.MainContainerName`).
pub const MAIN_CONTAINER: &str = "main";

/// The restart policy Argo gives every pod it makes: a pod saying the same needs no patch.
const ARGO_RESTART_POLICY: &str = "Never";

/// A `WorkflowTemplate` or a `Workflow`: the same shape, told apart by `kind`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workflow {
    pub api_version: String,
    pub kind: String,
    pub metadata: ObjectMeta,
    pub spec: WorkflowSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkflowSpec {
    pub entrypoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Arguments>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_repository_ref: Option<ArtifactRepositoryRef>,
    pub templates: Vec<Template>,
}

/// Where a workflow's artifacts are kept: a key of a ConfigMap that holds an artifact
/// repository (Argo's `artifactRepositoryRef`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactRepositoryRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arguments {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<Artifact>,
}

impl Arguments {
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.artifacts.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Parameter {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ValueFrom>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValueFrom {
    /// A file the container writes, for an output parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Another parameter, for a DAG template's output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Another artifact: `{{tasks.T.outputs.artifacts.A}}`, `{{inputs.artifacts.A}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpArtifact>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpArtifact {
    pub url: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Inputs {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<Parameter>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<Artifact>,
}

/// A template's outputs: the same two lists as its inputs.
pub type Outputs = Inputs;

impl Inputs {
    pub fn is_empty(&self) -> bool {
        self.parameters.is_empty() && self.artifacts.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryStrategy {
    /// How many times to retry after the first attempt (an IntOrString in Argo's schema).
    pub limit: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Dag {
    pub tasks: Vec<DagTask>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DagTask {
    pub name: String,
    pub template: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Arguments>,
}

/// A template: a DAG, or a container with the pod it runs in. Only the fields skiff writes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Inputs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outputs: Option<Outputs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dag: Option<Dag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_strategy: Option<RetryStrategy>,
    #[serde(flatten)]
    pub pod: PodFields,
}

/// The pod of a container template, in Argo's fields: everything [`split_pod`] makes of a Pod.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<Container>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sidecars: Vec<Container>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<Volume>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<Affinity>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_context: Option<PodSecurityContext>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automount_service_account_token: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub host_aliases: Vec<HostAlias>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority_class_name: Option<String>,
    /// An IntOrString in Argo's schema; skiff writes whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_deadline_seconds: Option<i64>,
    /// The rest of the `PodSpec`, as JSON text: Argo applies it last, as a strategic merge patch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_spec_patch: Option<String>,
}

/// Why a Pod cannot be a container template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SplitError {
    /// The pod has no container of the given name to be `main`.
    NoMainContainer(String),
}

impl std::fmt::Display for SplitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SplitError::NoMainContainer(name) => write!(f, "the pod has no container `{name}` to run as Argo's `main`"),
        }
    }
}

/// A Pod's spec and labels as a container template's fields: the container named `primary`
/// becomes the template's `container` (Argo names it `main`), the pod's other containers its
/// `sidecars`, its init containers its `initContainers`; every spec field that Argo's template
/// has goes there, and the rest into `podSpecPatch`. A `restartPolicy: Never` is left out: it is
/// what Argo sets on every pod.
pub fn split_pod(spec: PodSpec, metadata: Metadata, primary: &str) -> Result<(PodFields, Metadata), SplitError> {
    let mut spec = spec;
    let mut containers = std::mem::take(&mut spec.containers);
    let main_at =
        containers.iter().position(|c| c.name == primary).ok_or_else(|| SplitError::NoMainContainer(primary.into()))?;
    let mut main = containers.remove(main_at);
    main.name = MAIN_CONTAINER.to_owned();
    if spec.restart_policy.as_deref() == Some(ARGO_RESTART_POLICY) {
        spec.restart_policy = None;
    }
    let fields = PodFields {
        container: Some(main),
        init_containers: spec.init_containers.take().unwrap_or_default(),
        sidecars: containers,
        volumes: spec.volumes.take().unwrap_or_default(),
        node_selector: spec.node_selector.take().unwrap_or_default(),
        affinity: spec.affinity.take(),
        tolerations: spec.tolerations.take().unwrap_or_default(),
        security_context: spec.security_context.take(),
        service_account_name: spec.service_account_name.take(),
        automount_service_account_token: spec.automount_service_account_token.take(),
        host_aliases: spec.host_aliases.take().unwrap_or_default(),
        scheduler_name: spec.scheduler_name.take(),
        priority_class_name: spec.priority_class_name.take(),
        active_deadline_seconds: spec.active_deadline_seconds.take(),
        pod_spec_patch: spec_patch(&spec),
    };
    Ok((fields, metadata))
}

/// What is left of a spec as a patch, or `None` when nothing is.
fn spec_patch(rest: &PodSpec) -> Option<String> {
    let serde_json::Value::Object(mut fields) = serde_json::to_value(rest).ok()? else { return None };
    // `containers` is required in a PodSpec, so it is always written; here it is empty.
    fields.retain(|key, value| !(key == "containers" && value.as_array().is_some_and(Vec::is_empty)));
    (!fields.is_empty()).then(|| serde_json::Value::Object(fields).to_string())
}

/// The pod Argo's controller makes of a container template, as a Pod's spec and metadata,
/// without what the controller adds for itself: the template's fields, then its `podSpecPatch`
/// applied by skiff's strategic-merge engine. The main container keeps Argo's name, `main`.
pub fn pod_from_template(fields: &PodFields, metadata: &Metadata) -> Result<(PodSpec, Metadata), String> {
    let mut containers: Vec<Container> = fields.container.iter().cloned().collect();
    containers.extend(fields.sidecars.iter().cloned());
    let spec = PodSpec {
        containers,
        init_containers: non_empty(&fields.init_containers),
        volumes: non_empty(&fields.volumes),
        node_selector: (!fields.node_selector.is_empty()).then(|| fields.node_selector.clone()),
        affinity: fields.affinity.clone(),
        tolerations: non_empty(&fields.tolerations),
        security_context: fields.security_context.clone(),
        service_account_name: fields.service_account_name.clone(),
        automount_service_account_token: fields.automount_service_account_token,
        host_aliases: non_empty(&fields.host_aliases),
        scheduler_name: fields.scheduler_name.clone(),
        priority_class_name: fields.priority_class_name.clone(),
        active_deadline_seconds: fields.active_deadline_seconds,
        restart_policy: Some(ARGO_RESTART_POLICY.to_owned()),
        ..PodSpec::default()
    };
    let Some(patch) = &fields.pod_spec_patch else { return Ok((spec, metadata.clone())) };
    let patch: serde_json::Value = serde_json::from_str(patch).map_err(|e| format!("podSpecPatch is not JSON: {e}"))?;
    let base = serde_json::to_value(&spec).map_err(|e| e.to_string())?;
    let shape = Shape::pod_template_spec().field("spec");
    let merged = crate::merge::apply_patch(Node::from_json(&base, ()), &Node::from_json(&patch, ()), shape)
        .map_err(|e| format!("podSpecPatch does not apply: {e:?}"))?;
    let spec = crate::merge::decode(&merged).map_err(|e| format!("the patched spec is no PodSpec: {e}"))?;
    Ok((spec, metadata.clone()))
}

fn non_empty<T: Clone>(items: &[T]) -> Option<Vec<T>> {
    (!items.is_empty()).then(|| items.to_vec())
}

/// The roots of the variables Argo substitutes (its `GlobalVarValidWorkflowVariablePrefix`,
/// and the few names without a dot it also knows).
const ARGO_VARIABLE_ROOTS: &[&str] =
    &["item", "steps.", "inputs.", "outputs.", "pod.", "workflow.", "tasks.", "node.", "retries", "lastRetry."];

/// Where Argo would not pass `text` through as written: a `{{` with no `}}` after it (Argo's
/// template engine refuses the whole template), or a `{{ ... }}` that Argo reads as a variable
/// (its name starts with one of Argo's roots) or an expression (`{{= ...}}`). The reason back,
/// with the offending tag. Any other `{{ ... }}` (Helm's `{{ .Values.x }}`, Flyte's
/// `{{.input}}`) reaches the container unchanged: Argo writes back a tag it does not know.
pub fn argo_would_substitute(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            return Some("`{{` with no `}}` after it: Argo's template engine refuses the whole template".into());
        };
        let tag = &after[..close];
        let name = tag.trim();
        // Argo resolves the innermost `{{` of a tag too (`{{a {{inputs.parameters.x}}`).
        let innermost = tag.rfind("{{").map_or(name, |at| tag[at + 2..].trim());
        for name in [name, innermost] {
            if name.starts_with('=') {
                return Some(format!("`{{{{{tag}}}}}` is an Argo expression"));
            }
            if ARGO_VARIABLE_ROOTS.iter().any(|root| name.starts_with(root)) {
                return Some(format!("`{{{{{tag}}}}}` names an Argo variable"));
            }
        }
        rest = &after[close + 2..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{EnvVar, LocalObjectReference};

    fn container(name: &str) -> Container {
        Container { name: name.into(), image: Some(format!("{name}:1")), ..Container::default() }
    }

    #[test]
    fn a_pod_split_and_rebuilt_is_the_same_pod_with_main_renamed() {
        let spec = PodSpec {
            containers: vec![
                container("log-shipper"),
                Container {
                    env: Some(vec![EnvVar { name: "A".into(), value: Some("1".into()), value_from: None }]),
                    ..container("primary")
                },
            ],
            init_containers: Some(vec![container("fetch")]),
            node_selector: Some([("pool".to_owned(), "gpu".to_owned())].into()),
            restart_policy: Some("Never".into()),
            dns_policy: Some("None".into()),
            image_pull_secrets: Some(vec![LocalObjectReference { name: "regcred".into() }]),
            active_deadline_seconds: Some(60),
            ..PodSpec::default()
        };
        let metadata = Metadata { labels: [("team".to_owned(), "ml".to_owned())].into(), ..Metadata::default() };
        let (fields, meta) = split_pod(spec.clone(), metadata.clone(), "primary").unwrap();
        assert_eq!(fields.container.as_ref().unwrap().name, MAIN_CONTAINER);
        assert_eq!(fields.sidecars.len(), 1);
        let patch: serde_json::Value = serde_json::from_str(fields.pod_spec_patch.as_deref().unwrap()).unwrap();
        assert_eq!(patch, serde_json::json!({"dnsPolicy": "None", "imagePullSecrets": [{"name": "regcred"}]}));

        let (rebuilt, rebuilt_meta) = pod_from_template(&fields, &meta).unwrap();
        assert_eq!(rebuilt_meta, metadata);
        let mut expected = spec;
        let primary = expected.containers.remove(1);
        expected.containers.insert(0, Container { name: MAIN_CONTAINER.into(), ..primary });
        assert_eq!(rebuilt, expected);
    }

    #[test]
    fn a_pod_without_the_primary_container_is_refused() {
        let spec = PodSpec { containers: vec![container("other")], ..PodSpec::default() };
        assert_eq!(
            split_pod(spec, Metadata::default(), "primary").unwrap_err(),
            SplitError::NoMainContainer("primary".into())
        );
    }

    #[test]
    fn what_argo_would_substitute() {
        for text in ["plain", "{{.input}}", "{{ .Values.image }}", "go-template={{.metadata.name}}", "}} {", "{ {x}}"] {
            assert_eq!(argo_would_substitute(text), None, "{text}");
        }
        for text in [
            "{{inputs.parameters.x}}",
            "{{ workflow.name }}",
            "{{='a'}}",
            "{{tasks.a.outputs.result}}",
            "a {{ b",
            "{{x {{inputs.parameters.y}}",
            "{{item}}",
            "{{retries}}",
        ] {
            assert!(argo_would_substitute(text).is_some(), "{text}");
        }
    }
}
