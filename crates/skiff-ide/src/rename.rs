//! Rename: a template, task, workflow, import alias, parameter or binding, with every reference
//! across files. A new name must be an identifier that is not a keyword and not already taken
//! where the old one was visible.

use crate::defs::{self, Def};
use crate::{FilePosition, FileRange, SourceChange};
use skiff_sema::items::{ItemTag, file_items};
use skiff_sema::{Db, TextEdit};
use std::fmt;

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// Nothing renamable under the cursor.
    NothingToRename,
    InvalidName(String),
    /// The new name is taken: (name, what has it).
    Conflict(String, String),
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenameError::NothingToRename => f.write_str("there is nothing to rename here"),
            RenameError::InvalidName(why) => f.write_str(why),
            RenameError::Conflict(name, what) => write!(f, "`{name}` is already {what}"),
        }
    }
}

impl std::error::Error for RenameError {}

/// Words the grammar reserves where names are written.
const KEYWORDS: &[&str] = &[
    "import",
    "as",
    "pod_template",
    "extends",
    "from",
    "task",
    "workflow",
    "let",
    "return",
    "override",
    "replace",
    "delete",
    "true",
    "false",
    "null",
];

pub(crate) fn prepare_rename(db: &dyn Db, position: &FilePosition) -> Result<FileRange, RenameError> {
    match defs::def_at(db, &position.path, position.offset) {
        Some((Def::File(_), _)) | None => Err(RenameError::NothingToRename),
        Some((_, span)) => Ok(FileRange { path: position.path.clone(), span }),
    }
}

pub(crate) fn rename(db: &dyn Db, position: &FilePosition, new_name: &str) -> Result<SourceChange, RenameError> {
    let Some((def, _)) = defs::def_at(db, &position.path, position.offset) else {
        return Err(RenameError::NothingToRename);
    };
    if matches!(def, Def::File(_)) {
        return Err(RenameError::NothingToRename);
    }
    check_name(new_name)?;
    check_conflict(db, &def, new_name)?;
    let (declaration, name_span) = defs::definition_range(db, &def).ok_or(RenameError::NothingToRename)?;
    let mut ranges = defs::references(db, &def);
    ranges.push(FileRange { path: declaration.path, span: name_span });
    let mut change = SourceChange::default();
    for range in ranges {
        change.edits.entry(range.path).or_default().push(TextEdit { span: range.span, text: new_name.to_string() });
    }
    for edits in change.edits.values_mut() {
        edits.sort_by_key(|e| e.span);
        edits.dedup();
    }
    Ok(change)
}

fn check_name(name: &str) -> Result<(), RenameError> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(RenameError::InvalidName(format!(
            "`{name}` is not a name: names are letters, digits and `_`, starting with a letter or `_`"
        )));
    }
    if KEYWORDS.contains(&name) {
        return Err(RenameError::InvalidName(format!("`{name}` is a keyword")));
    }
    Ok(())
}

fn check_conflict(db: &dyn Db, def: &Def<'_>, name: &str) -> Result<(), RenameError> {
    match def {
        Def::Item(item) => {
            let file = item.file(db);
            if let Some(other) = file_items(db, file).iter().find(|i| i.name(db) == name && *i != item) {
                let what = format!("a {} in {}", other.tag(db).describe(), file.path(db));
                return Err(RenameError::Conflict(name.into(), what));
            }
            if item.tag(db) == ItemTag::Workflow {
                for other_file in db.files().skiff_files(db).values() {
                    if file_items(db, *other_file).iter().any(|i| i.tag(db) == ItemTag::Workflow && i.name(db) == name)
                    {
                        return Err(RenameError::Conflict(
                            name.into(),
                            format!("a workflow in {}", other_file.path(db)),
                        ));
                    }
                }
            }
            Ok(())
        }
        Def::Param { item, .. } | Def::Binding { item, .. } => {
            let ast = defs::item_syntax(db, *item).ok_or(RenameError::NothingToRename)?;
            let (params, body) = match &ast.kind {
                skiff_syntax::ast::ItemKind::Task(t) => (&t.params, &[][..]),
                skiff_syntax::ast::ItemKind::Workflow(w) => (&w.params, w.body.as_slice()),
                _ => return Ok(()),
            };
            if params.iter().any(|p| p.name.text == name) {
                return Err(RenameError::Conflict(name.into(), format!("a parameter of `{}`", item.name(db))));
            }
            let bound = body.iter().any(|s| matches!(s, skiff_syntax::ast::Stmt::Let(b) if b.name.text == name));
            if bound {
                return Err(RenameError::Conflict(name.into(), format!("a binding in `{}`", item.name(db))));
            }
            Ok(())
        }
        Def::File(_) => Err(RenameError::NothingToRename),
    }
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use expect_test::{Expect, expect};

    /// Applies the edits and shows every changed file.
    fn check(text: &str, new_name: &str, expect: Expect) {
        let (host, position) = fixture(text);
        let shown = match host.analysis().rename(&position, new_name).unwrap() {
            Ok(change) => {
                let mut out = String::new();
                for (path, edits) in &change.edits {
                    let mut text = host.text(path).unwrap();
                    for edit in edits.iter().rev() {
                        text.replace_range(edit.span.range(), &edit.text);
                    }
                    out.push_str(&format!("//- {path}\n{text}"));
                }
                out
            }
            Err(error) => format!("error: {error}"),
        };
        expect.assert_eq(&shown);
    }

    const TEXT: &str = "//- main.skiff\nimport \"lib.skiff\" as lib\nworkflow w(d: File) -> File {\n  let a = lib.train(data: d)\n  return a\n}\n//- lib.skiff\ntask train(data: File) -> File {\n  image: \"i\"\n  args: [\"{{inputs.data}}\"]\n}\n";

    #[test]
    fn task_across_files() {
        check(
            &TEXT.replace("task train", "task tr$0ain"),
            "fit",
            expect![[r#"
            //- lib.skiff
            task fit(data: File) -> File {
              image: "i"
              args: ["{{inputs.data}}"]
            }
            //- main.skiff
            import "lib.skiff" as lib
            workflow w(d: File) -> File {
              let a = lib.fit(data: d)
              return a
            }
        "#]],
        );
    }

    #[test]
    fn parameter_with_placeholders_and_arguments() {
        check(
            &TEXT.replace("train(data: File)", "train(da$0ta: File)"),
            "frame",
            expect![[r#"
            //- lib.skiff
            task train(frame: File) -> File {
              image: "i"
              args: ["{{inputs.frame}}"]
            }
            //- main.skiff
            import "lib.skiff" as lib
            workflow w(d: File) -> File {
              let a = lib.train(frame: d)
              return a
            }
        "#]],
        );
    }

    #[test]
    fn refuses_invalid_names() {
        check(
            &TEXT.replace("task train", "task tr$0ain"),
            "2x",
            expect!["error: `2x` is not a name: names are letters, digits and `_`, starting with a letter or `_`"],
        );
        check(&TEXT.replace("task train", "task tr$0ain"), "workflow", expect!["error: `workflow` is a keyword"]);
        check(&TEXT.replace("let a", "let a$0"), "d", expect!["error: `d` is already a parameter of `w`"]);
        check(&TEXT.replace("image", "ima$0ge"), "x", expect!["error: there is nothing to rename here"]);
    }
}
