//! Templates: `extends` names a template and does not loop; a block body passes the Kubernetes
//! checks; a `from "..."` file exists and holds a pod template.

use super::{Checker, Sink};
use crate::codes;
use crate::extends::extends_cycles;
use crate::items::{ItemId, ItemTag};
use crate::load::refused_diagnostic;
use crate::resolve::{ImportPathError, resolve_import_path};
use skiff_k8s::BodyShape;
use skiff_syntax::Diagnostic;
use skiff_syntax::ast::*;

impl<'db> Checker<'db> {
    pub(super) fn template(&self, template: &Template, sink: &mut Sink<'db>) {
        if let Some(extends) = &template.extends
            && self.expect_item(extends, ItemTag::Template, sink).is_some()
            && let Some(cycle) = extends_cycles(self.db).reported_on(self.item)
        {
            sink.push(
                Diagnostic::new(codes::EXTENDS_CYCLE, extends.span, "this `extends` chain comes back to this template")
                    .with_help(format!("the chain: {}", self.describe_cycle(cycle))),
            );
        }
        match &template.body {
            TemplateBody::Block(block) => {
                self.k8s(crate::body::check_body(block, BodyShape::PodTemplate, &[]), sink);
                self.bare_names(block, &[], sink);
            }
            TemplateBody::File(path) => self.data_file(path, sink),
        }
    }

    /// `a → b → c → a`, the middle left out past a few members: a cycle through thousands of
    /// templates is reported once, in a line.
    fn describe_cycle(&self, cycle: &[ItemId<'db>]) -> String {
        const SHOWN: usize = 6;
        let name = |t: &ItemId<'db>| t.name(self.db).to_string();
        let mut names: Vec<String> = Vec::with_capacity(SHOWN + 3);
        if cycle.len() <= SHOWN + 1 {
            names.extend(cycle.iter().map(name));
        } else {
            names.extend(cycle[..SHOWN - 1].iter().map(name));
            names.push(format!("… {} more …", cycle.len() - SHOWN));
            names.push(name(&cycle[cycle.len() - 1]));
        }
        names.push(name(&cycle[0]));
        names.join(" → ")
    }

    fn data_file(&self, path: &StrLit, sink: &mut Sink<'db>) {
        let db = self.db;
        match resolve_import_path(self.file.path(db), &path.value) {
            Ok(key) if let Some(file) = db.files().data_files(db).get(&key) => {
                if let Err((message, span)) = crate::pod::yaml_template(file.text(db)) {
                    let line = span.map(|s| skiff_syntax::LineIndex::new(file.text(db)).line(s.start) + 1);
                    let place = line.map_or(key.clone(), |line| format!("{key}:{line}"));
                    sink.push(Diagnostic::new(codes::INVALID_TEMPLATE_FILE, path.span, format!("{place}: {message}")));
                }
            }
            Ok(key) => sink.push(match db.files().refused(db).get(&key) {
                Some(refusal) => refused_diagnostic(&key, refusal, path.span, codes::MISSING_FILE),
                None => Diagnostic::new(codes::MISSING_FILE, path.span, format!("no file `{key}` in the workspace")),
            }),
            Err(ImportPathError::EscapesWorkspace) => {
                sink.push(Diagnostic::new(codes::IMPORT_ESCAPES_WORKSPACE, path.span, "this path leaves the workspace"))
            }
            Err(ImportPathError::Absolute) => sink.push(Diagnostic::new(
                codes::MISSING_FILE,
                path.span,
                "template files are named relative to this file",
            )),
        }
    }
}
