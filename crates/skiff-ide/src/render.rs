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
        ValueKind::Str(s) => skiff_syntax::literal::quote(s),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Float(x) => x.to_string(),
        ValueKind::Unit(u) => u.to_string(),
        ValueKind::Bool(b) => b.to_string(),
        ValueKind::Null => "null".into(),
        ValueKind::Ref(p) => p.to_dotted(),
        ValueKind::Object(_) => "{…}".into(),
        ValueKind::List(_) => "[…]".into(),
        ValueKind::Error => "…".into(),
    }
}
