//! Text shared by the features: skiff syntax as it is written back (signatures, parameters,
//! literals) and the docs of skiff's own task fields. Features render through this module
//! rather than borrowing each other's helpers.

use skiff_syntax::ast::*;

/// `(data: DataFrame, epochs: int = 10) -> File`, from the syntax as written.
pub(crate) fn signature_text(params: &[Param], output: Option<&TypeExpr>) -> String {
    let params: Vec<String> = params.iter().map(param_text).collect();
    let output = output.map(|o| format!(" -> {}", skiff_sema::types::Ty::from_syntax(o))).unwrap_or_default();
    format!("({}){output}", params.join(", "))
}

pub(crate) fn param_text(p: &Param) -> String {
    let ty = skiff_sema::types::Ty::from_syntax(&p.ty);
    let default = p.default.as_ref().map(|d| format!(" = {}", value_text(d))).unwrap_or_default();
    format!("{}: {ty}{default}", p.name.text)
}

/// A literal value as written, for signatures (`10`, `"x"`, `8Gi`).
pub(crate) fn value_text(value: &Value) -> String {
    match &value.kind {
        ValueKind::Str(s) => format!("{s:?}"),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Float(x) => x.to_string(),
        ValueKind::Unit(u) => u.clone(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Null => "null".into(),
        ValueKind::Ref(p) => p.to_dotted(),
        ValueKind::Object(_) => "{…}".into(),
        ValueKind::List(_) => "[…]".into(),
        ValueKind::Error => "…".into(),
    }
}

/// What skiff's own task fields mean (they are not in the Kubernetes schema).
pub(crate) fn skiff_field_doc(name: &str) -> Option<(&'static str, &'static str)> {
    Some(match name {
        "pod_template" => (
            "template name or block",
            "The pod template this task runs with: a name (`gpu.v100`) or an inline block of `PodSpec` fields. It is layer 3 of the effective pod, under the task's own container fields and the call's overrides.",
        ),
        "primary_container" => ("string", "The name of the container the task's fields describe (default `primary`)."),
        "retries" => (
            "int (0 to 100)",
            "How many times the engine that runs the pod retries it (the `skiff.dev/retries` annotation).",
        ),
        "timeout" => {
            ("duration", "How long the pod may run, as `30s`, `2h` or `1h30m`: compiled to `activeDeadlineSeconds`.")
        }
        _ => return None,
    })
}
