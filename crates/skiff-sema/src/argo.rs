//! `skiff build --target argo`: each workflow as one Argo Workflows `WorkflowTemplate` (or
//! `Workflow`), whose entrypoint is a DAG with a task per `let`, and whose node templates run
//! exactly the pods `--target pods`, `skiff explain` and hover show (`docs/argo.md` is the
//! users' account and the table of every mapping).
//!
//! A node's pod is made by the same path as for Pods ([`crate::compile::node_manifest`] on the
//! node's [`explain_node`]), then cut into Argo's template fields by
//! [`skiff_k8s::argo::split_pod`]. Inputs reach the container the same way for both targets:
//! `{{inputs.x}}` is `$(SKIFF_INPUT_X)`, and the variable holds `{{inputs.parameters.x}}` for a
//! value (a parameter) or the path Argo puts an artifact at (`File`, `Dir`, `DataFrame`). So the
//! pod Argo makes differs from the node's Pod in the main container's name and in those
//! variables' values only, which the tests check node by node.
//!
//! Not for Argo's own objects and rules (those are `skiff_k8s::argo`), nor for printing.

use std::collections::HashMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use skiff_k8s::argo::{
    API_VERSION, Arguments, Artifact, Dag, DagTask, HttpArtifact, Inputs, Metadata, Parameter, RetryStrategy, Template,
    ValueFrom, Workflow, WorkflowSpec, argo_would_substitute, split_pod,
};
use skiff_syntax::ast;

use crate::compile::{
    ArgSource, BuildError, BuildOptions, NodeArg, OUTPUT_PATH, bindings, checked_request, node_args, unique_names,
    workflow_param_value, workflow_params,
};
use crate::db::Db;
use crate::explain::{NodeId, explain_node};
use crate::items::{ItemId, item_ast};
use crate::types::Ty;

/// Where an input artifact is put in the container: what its `{{inputs.x}}` stands for.
pub fn input_artifact_path(param: &str) -> String {
    format!("/tmp/skiff/inputs/{param}")
}

/// The label of a Pod that names its node, left out of Argo templates.
pub const NODE_LABEL: &str = "skiff.dev/node";

/// The name of a task's output, as an Argo parameter or artifact.
pub const OUTPUT_NAME: &str = "output";

/// Whether values of this type travel as Argo artifacts (files), not parameters (text).
pub fn is_artifact(ty: &Ty) -> bool {
    match ty {
        Ty::File | Ty::Dir | Ty::DataFrame => true,
        Ty::Optional(inner) => is_artifact(inner),
        _ => false,
    }
}

/// One Argo object per selected workflow, in the order of [`crate::compile::workflows`].
pub fn build(db: &dyn Db, options: &BuildOptions) -> Result<Vec<Workflow>, BuildError> {
    let mut out = Vec::new();
    build_each(db, options, |workflow| {
        out.push(workflow);
        Ok::<(), BuildError>(())
    })?;
    Ok(out)
}

/// [`build`] as a stream: each workflow goes to `emit` as soon as it is made, so that a large
/// build never holds them all. The request is checked before the first one is made.
pub fn build_each<E: From<BuildError>>(
    db: &dyn Db,
    options: &BuildOptions,
    mut emit: impl FnMut(Workflow) -> Result<(), E>,
) -> Result<(), E> {
    for workflow in checked_request(db, options)? {
        emit(build_workflow(db, workflow, options)?)?;
    }
    Ok(())
}

fn build_workflow(db: &dyn Db, workflow: ItemId<'_>, options: &BuildOptions) -> Result<Workflow, BuildError> {
    let config = &crate::config::project_config(db).0;
    let params = workflow_params(db, workflow);
    let lets = bindings(db, workflow);
    let workflow_name = workflow.name(db).to_string();
    let broken = |binding: &str, message: String| BuildError::BrokenNode {
        workflow: workflow_name.clone(),
        binding: binding.to_owned(),
        message,
    };

    // Names: the DAG template first, then a task and a template per node.
    let mut wanted = vec![workflow_name.as_str()];
    wanted.extend(lets.iter().map(|b| b.name.text.as_str()));
    let names = unique_names(&wanted);
    let dag_name = names[0].clone();
    let task_names: HashMap<&str, &str> =
        lets.iter().zip(&names[1..]).map(|(b, n)| (b.name.text.as_str(), n.as_str())).collect();

    let mut templates: Vec<Template> = Vec::new();
    let mut shared: HashMap<String, String> = HashMap::new();
    let mut tasks = Vec::new();
    for (index, binding) in lets.iter().enumerate() {
        let node = NodeId { workflow, binding: index as u32 };
        let Some(explained) = explain_node(db, node) else {
            return Err(broken(&binding.name.text, "the call does not name a task".into()));
        };
        if let Some(error) = explained.errors().first() {
            return Err(broken(&binding.name.text, error.message.clone()));
        }
        let task = explained.task;
        let args = node_args(db, workflow, index as u32, binding, task);
        let mut template = node_template(db, &explained, workflow, binding, task, &args)
            .map_err(|message| broken(&binding.name.text, message))?;
        // Nodes that run the same template share it: found by its text without the name.
        let body = serde_json::to_string(&template).map_err(|e| broken(&binding.name.text, e.to_string()))?;
        let template_name = match shared.get(&body) {
            Some(name) => name.clone(),
            None => {
                template.name = names[index + 1].clone();
                shared.insert(body, template.name.clone());
                let name = template.name.clone();
                templates.push(template);
                name
            }
        };
        let mut dependencies: Vec<String> = Vec::new();
        let mut arguments = Arguments::default();
        for arg in &args {
            let value = argument(arg, &task_names).map_err(|message| broken(&binding.name.text, message))?;
            if let ArgSource::Node(node) = &arg.source {
                let name = task_names[node.as_str()].to_owned();
                if !dependencies.contains(&name) {
                    dependencies.push(name);
                }
            }
            match value {
                Passed::Parameter(parameter) => arguments.parameters.push(parameter),
                Passed::Artifact(artifact) => arguments.artifacts.push(artifact),
            }
        }
        tasks.push(DagTask {
            name: names[index + 1].clone(),
            template: template_name,
            dependencies,
            arguments: (!arguments.is_empty()).then_some(arguments),
        });
    }

    let (inputs, arguments) = workflow_inputs(params, options).map_err(|message| broken("", message))?;
    let dag = Template {
        name: dag_name.clone(),
        inputs: (!inputs.is_empty()).then_some(inputs),
        outputs: workflow_output(db, workflow, &task_names),
        dag: Some(Dag { tasks }),
        ..Template::default()
    };
    templates.insert(0, dag);

    let label = skiff_k8s::names::to_label_value(&workflow_name).unwrap_or_else(|| "x".into());
    let object_name = skiff_k8s::names::sanitize_dns1123(&workflow_name);
    let object_name = if object_name.is_empty() { "workflow".to_owned() } else { object_name };
    let mut metadata = ObjectMeta {
        labels: Some([("skiff.dev/workflow".to_owned(), label)].into()),
        namespace: options.namespace.clone().or_else(|| config.namespace.clone()),
        ..ObjectMeta::default()
    };
    let kind = if config.argo.workflow_kind {
        metadata.generate_name = Some(format!("{object_name}-"));
        "Workflow"
    } else {
        metadata.name = Some(object_name);
        "WorkflowTemplate"
    };
    Ok(Workflow {
        api_version: API_VERSION.to_owned(),
        kind: kind.to_owned(),
        metadata,
        spec: WorkflowSpec {
            entrypoint: dag_name,
            arguments: (!arguments.is_empty()).then_some(arguments),
            service_account_name: config.argo.service_account_name.clone(),
            artifact_repository_ref: config
                .argo
                .artifact_repository_ref
                .clone()
                .map(|(config_map, key)| skiff_k8s::argo::ArtifactRepositoryRef { config_map, key }),
            templates,
        },
    })
}

/// The container template of one node: its pod cut into Argo's fields, its inputs declared
/// (values come from the DAG task), its output where the container writes it.
fn node_template(
    db: &dyn Db,
    explained: &crate::explain::Explained<'_>,
    workflow: ItemId<'_>,
    binding: &ast::Let,
    task: ItemId<'_>,
    args: &[NodeArg],
) -> Result<Template, String> {
    let values: Vec<(&str, String)> = args
        .iter()
        .map(|arg| {
            let value = if is_artifact(&arg.ty) {
                input_artifact_path(&arg.param)
            } else {
                format!("{{{{inputs.parameters.{}}}}}", arg.param)
            };
            (arg.param.as_str(), value)
        })
        .collect();
    let values: rustc_hash::FxHashMap<&str, &str> = values.iter().map(|(p, v)| (*p, v.as_str())).collect();
    // The pod's name is Argo's to choose.
    let pod = crate::compile::node_manifest(db, &explained.pod, "", None, workflow, binding, task, &values)?;
    let mut labels = pod.metadata.labels.unwrap_or_default();
    // Argo names each node's pod itself (`workflows.argoproj.io/node-name`); without the node's
    // name, nodes that run the same pod share one template.
    labels.remove(NODE_LABEL);
    let metadata = Metadata { annotations: pod.metadata.annotations.unwrap_or_default(), labels };
    let (pod_fields, metadata) =
        split_pod(pod.spec.unwrap_or_default(), metadata, &explained.pod.primary).map_err(|e| e.to_string())?;

    let mut inputs = Inputs::default();
    for arg in args {
        if is_artifact(&arg.ty) {
            inputs.artifacts.push(Artifact {
                name: arg.param.to_string(),
                path: Some(input_artifact_path(&arg.param)),
                ..Artifact::default()
            });
        } else {
            inputs.parameters.push(Parameter { name: arg.param.to_string(), ..Parameter::default() });
        }
    }
    let template = Template {
        name: String::new(),
        inputs: (!inputs.is_empty()).then_some(inputs),
        outputs: task_output(db, task),
        metadata: (!metadata.labels.is_empty() || !metadata.annotations.is_empty()).then_some(metadata),
        retry_strategy: explained.pod.retries.map(|(limit, _)| RetryStrategy { limit }),
        pod: pod_fields,
        ..Template::default()
    };
    check_substitution(&template)?;
    Ok(template)
}

/// Every string of a node template reaches the container as written, but for the template's
/// own `{{inputs.parameters.x}}`: text that Argo would read as its variable, or that stops its
/// template engine, is refused here rather than changed by Argo at run time.
fn check_substitution(template: &Template) -> Result<(), String> {
    let declared: Vec<String> = template
        .inputs
        .iter()
        .flat_map(|i| &i.parameters)
        .map(|p| format!("{{{{inputs.parameters.{}}}}}", p.name))
        .collect();
    let json = serde_json::to_value(template).map_err(|e| e.to_string())?;
    let mut problem = None;
    visit_strings(&json, &mut String::new(), &mut |path, text| {
        if problem.is_some() || !text.contains("{{") {
            return;
        }
        let mut rest = text.to_owned();
        for ours in &declared {
            rest = rest.replace(ours, "");
        }
        if let Some(reason) = argo_would_substitute(&rest) {
            problem = Some(format!(
                "`{path}` holds {text:?}, which Argo would not pass through as written: {reason}; \
                 Argo substitutes `{{{{...}}}}` everywhere in a template"
            ));
        }
    });
    problem.map_or(Ok(()), Err)
}

fn visit_strings(value: &serde_json::Value, path: &mut String, f: &mut impl FnMut(&str, &str)) {
    match value {
        serde_json::Value::String(text) => f(path, text),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                visit_strings(item, path, f);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                visit_strings(item, path, f);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// How a task's output leaves its container: a file at [`OUTPUT_PATH`], as an artifact or,
/// for a value, a parameter read from that file.
fn task_output(db: &dyn Db, task: ItemId<'_>) -> Option<Inputs> {
    let Some(ast::ItemKind::Task(task)) = item_ast(db, task).map(|i| &i.kind) else { return None };
    let ty = Ty::from_syntax(task.output.as_ref()?);
    let mut outputs = Inputs::default();
    match ty {
        Ty::Unit | Ty::Unknown => return None,
        ty if is_artifact(&ty) => outputs.artifacts.push(Artifact {
            name: OUTPUT_NAME.into(),
            path: Some(OUTPUT_PATH.into()),
            ..Artifact::default()
        }),
        _ => outputs.parameters.push(Parameter {
            name: OUTPUT_NAME.into(),
            value_from: Some(ValueFrom { path: Some(OUTPUT_PATH.into()), parameter: None }),
            ..Parameter::default()
        }),
    }
    Some(outputs)
}

/// What a DAG task passes for one parameter.
enum Passed {
    Parameter(Parameter),
    Artifact(Artifact),
}

fn argument(arg: &NodeArg, task_names: &HashMap<&str, &str>) -> Result<Passed, String> {
    let name = arg.param.to_string();
    let artifact = is_artifact(&arg.ty);
    let reference = |source: &ArgSource| reference(source, artifact, task_names);
    match &arg.source {
        ArgSource::Literal(text) if artifact => located_artifact(&name, text)
            .map(Passed::Artifact)
            .map_err(|reason| format!("`{}: \"{text}\"`: {reason}", arg.param)),
        ArgSource::Literal(text) => {
            Ok(Passed::Parameter(Parameter { name, value: Some(text.clone()), ..Parameter::default() }))
        }
        source if artifact => Ok(Passed::Artifact(Artifact { name, from: reference(source), ..Artifact::default() })),
        source => Ok(Passed::Parameter(Parameter { name, value: reference(source), ..Parameter::default() })),
    }
}

/// How a DAG template names a value it passes on: a node's output
/// (`{{tasks.T.outputs.artifacts.output}}`, `...parameters.output`) or one of the DAG's inputs,
/// the workflow's parameters (`{{inputs.artifacts.P}}`, `{{inputs.parameters.P}}`). A literal is
/// no reference.
fn reference(source: &ArgSource, artifact: bool, task_names: &HashMap<&str, &str>) -> Option<String> {
    let kind = if artifact { "artifacts" } else { "parameters" };
    match source {
        ArgSource::Node(node) => {
            Some(format!("{{{{tasks.{}.outputs.{kind}.{OUTPUT_NAME}}}}}", task_names[node.as_str()]))
        }
        ArgSource::WorkflowParam(param) => Some(format!("{{{{inputs.{kind}.{param}}}}}")),
        ArgSource::Literal(_) => None,
    }
}

/// A file given as text: an `http://` or `https://` URL, which Argo downloads.
fn located_artifact(name: &str, text: &str) -> Result<Artifact, String> {
    if text.starts_with("https://") || text.starts_with("http://") {
        return Ok(Artifact {
            name: name.to_owned(),
            http: Some(HttpArtifact { url: text.to_owned() }),
            ..Artifact::default()
        });
    }
    Err("a file is given as an `http://` or `https://` URL; pass other locations when submitting (docs/argo.md)".into())
}

/// The DAG template's inputs (the workflow's parameters) and the workflow's arguments (their
/// values: `--input`, else the default; none for a parameter to be given when submitting).
fn workflow_inputs(params: &[ast::Param], options: &BuildOptions) -> Result<(Inputs, Arguments), String> {
    let mut inputs = Inputs::default();
    let mut arguments = Arguments::default();
    for param in params {
        let name = param.name.text.to_string();
        let value = workflow_param_value(params, &name, options);
        if is_artifact(&Ty::from_syntax(&param.ty)) {
            inputs.artifacts.push(Artifact { name: name.clone(), ..Artifact::default() });
            arguments.artifacts.push(match value {
                Some(text) => {
                    located_artifact(&name, &text).map_err(|reason| format!("`--input {name}=...`: {reason}"))?
                }
                None => Artifact { name, ..Artifact::default() },
            });
        } else {
            inputs.parameters.push(Parameter { name: name.clone(), ..Parameter::default() });
            arguments.parameters.push(Parameter { name, value, ..Parameter::default() });
        }
    }
    Ok((inputs, arguments))
}

/// The workflow's `return`, as the DAG template's output.
fn workflow_output(db: &dyn Db, workflow: ItemId<'_>, task_names: &HashMap<&str, &str>) -> Option<Inputs> {
    let Some(ast::ItemKind::Workflow(ast)) = item_ast(db, workflow).map(|i| &i.kind) else { return None };
    let returned = ast.body.iter().find_map(|s| match s {
        ast::Stmt::Return(r) => Some(&r.value),
        _ => None,
    })?;
    let ast::ValueKind::Ref(path) = &returned.kind else { return None };
    let [name] = path.segments.as_slice() else { return None };
    let ty = Ty::from_syntax(ast.output.as_ref()?);
    let source = match task_names.contains_key(name.text.as_str()) {
        true => ArgSource::Node(name.text.clone()),
        false => ArgSource::WorkflowParam(name.text.clone()),
    };
    let mut outputs = Inputs::default();
    if is_artifact(&ty) {
        let from = reference(&source, true, task_names);
        outputs.artifacts.push(Artifact { name: OUTPUT_NAME.into(), from, ..Artifact::default() });
    } else {
        outputs.parameters.push(Parameter {
            name: OUTPUT_NAME.into(),
            value_from: Some(ValueFrom { path: None, parameter: reference(&source, false, task_names) }),
            ..Parameter::default()
        });
    }
    Some(outputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_labels_and_distinct() {
        let names = unique_names(&["my_flow", "train", "my-flow", "train", "Ünï"]);
        assert_eq!(names[..4], ["my-flow", "train", "my-flow-2", "train-2"]);
        assert!(names.iter().all(|n| skiff_k8s::names::is_dns1123_label(n)), "{names:?}");
    }
}
