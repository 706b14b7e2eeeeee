//! Code actions: the fix of every diagnostic that overlaps the range asked about.

use crate::{FileRange, SourceChange, diagnostics};
use skiff_sema::{Db, Diagnostic};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub change: SourceChange,
    /// The diagnostic this fixes.
    pub diagnostic: Diagnostic,
}

pub(crate) fn code_actions(db: &dyn Db, range: &FileRange) -> Vec<CodeAction> {
    diagnostics::diagnostics(db, &range.path)
        .into_iter()
        .filter(|d| d.span.overlaps(range.span) || d.span.touches(range.span.start))
        .filter_map(|d| {
            let fix = d.fix.clone()?;
            let mut change = SourceChange::default();
            change.edits.insert(range.path.clone(), fix.edits);
            Some(CodeAction { title: fix.message, change, diagnostic: d })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;
    use crate::{FileRange, Span};
    use expect_test::expect;

    #[test]
    fn fixes_under_the_cursor() {
        let (host, position) =
            fixture("pod_template p {\n  nodeSelektor$0 { a: \"b\" }\n  tolerations: [{ operator: Exists }]\n}\n");
        let range = FileRange { path: position.path.clone(), span: Span::empty(position.offset) };
        let actions = host.analysis().code_actions(&range).unwrap();
        let shown: Vec<String> = actions
            .iter()
            .map(|a| format!("{} [{}] {:?}", a.title, a.diagnostic.code, a.change.edits["main.skiff"]))
            .collect();
        expect![[r#"rename to `nodeSelector` [unknown-field] [TextEdit { span: 19..31, text: "nodeSelector" }]"#]]
            .assert_eq(&shown.join("\n"));
        let whole = FileRange { path: position.path.clone(), span: Span::new(0, 200) };
        assert_eq!(host.analysis().code_actions(&whole).unwrap().len(), 2, "both fixes in a range over the file");
    }

    #[test]
    fn a_lint_set_by_an_override_is_fixed_there_and_others_can_be_allowed() {
        let text = "task t() {\n  image: \"a:latest\"\n}\n\nworkflow w() {\n  let a = t()\n    override securityContext { privileged: tr$0ue }\n}\n";
        let (host, position) = fixture(text);
        let range = FileRange { path: position.path.clone(), span: Span::empty(position.offset) };
        let actions = host.analysis().code_actions(&range).unwrap();
        let shown: Vec<String> = actions.iter().map(|a| format!("{} [{}]", a.title, a.diagnostic.code)).collect();
        assert_eq!(shown, ["set `privileged: false` [privileged-container]"]);
        let edits = &actions[0].change.edits["main.skiff"];
        assert_eq!(edits[0].text, "false");
        // A lint without a certain fix offers the allow comment above its line.
        let at = text.find("a:latest").unwrap() as u32;
        let range = FileRange { path: position.path.clone(), span: Span::empty(at) };
        let actions = host.analysis().code_actions(&range).unwrap();
        assert_eq!(actions[0].title, "allow `latest-tag` here");
        assert_eq!(actions[0].change.edits["main.skiff"][0].text, "  // skiff: allow(latest-tag)\n");
    }
}
