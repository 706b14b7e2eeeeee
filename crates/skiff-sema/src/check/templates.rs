//! Templates: `extends` names a template and does not loop; a block body passes the Kubernetes
//! checks; a `from "..."` file exists and holds a pod template.

use super::{Checker, Sink};
use crate::codes;
use crate::items::{ItemId, ItemTag, Signature};
use crate::load::refused_diagnostic;
use crate::resolve::{ImportPathError, Resolution, resolve_import_path, resolve_path};
use skiff_k8s::BodyShape;
use skiff_syntax::Diagnostic;
use skiff_syntax::ast::*;

impl<'db> Checker<'db> {
    pub(super) fn template(&self, template: &Template, sink: &mut Sink<'db>) {
        if let Some(extends) = &template.extends
            && let Some(parent) = self.expect_item(extends, ItemTag::Template, sink)
            && let Some(cycle) = self.extends_cycle(parent)
        {
            sink.push(
                Diagnostic::new(codes::EXTENDS_CYCLE, extends.span, "this `extends` chain comes back to this template")
                    .with_help(format!("the chain: {}", cycle.join(" → "))),
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

    /// Follows `extends` from `start`; the chain's names if it reaches this item again.
    fn extends_cycle(&self, start: ItemId<'db>) -> Option<Vec<String>> {
        let db = self.db;
        let mut seen = vec![self.item];
        let mut current = start;
        for _ in 0..1000 {
            if current == self.item {
                let mut names: Vec<String> = seen.iter().map(|i| i.name(db).to_string()).collect();
                names.push(self.item.name(db).to_string());
                return Some(names);
            }
            if seen.contains(&current) {
                return None; // a loop that does not include this item: reported on its members
            }
            seen.push(current);
            let Some(Signature::Template { extends: Some(parent), .. }) = current.summary(db).map(|s| &s.signature)
            else {
                return None;
            };
            match resolve_path(db, current.file(db), parent) {
                Resolution::Item(next) if next.tag(db) == ItemTag::Template => current = next,
                _ => return None,
            }
        }
        None
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
