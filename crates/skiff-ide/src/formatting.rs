//! Formatting through `skiff-fmt`: the canonical layout as one edit that spans only what
//! changes (the common start and end of the two texts are left alone, so the editor keeps the
//! cursor and the undo history small).

use skiff_sema::{Db, TextEdit, parse};
use skiff_syntax::Span;

/// `None` when the file is not known or does not parse (a file with syntax errors is never
/// half formatted); an empty list when it is already formatted.
pub(crate) fn format(db: &dyn Db, path: &str) -> Option<Vec<TextEdit>> {
    let file = crate::file(db, path)?;
    let text = file.text(db);
    let formatted = skiff_fmt::format_parsed(text, parse(db, file)).ok()?;
    Some(minimal_edit(text, &formatted).into_iter().collect())
}

fn minimal_edit(old: &str, new: &str) -> Option<TextEdit> {
    if old == new {
        return None;
    }
    let mut prefix = old.bytes().zip(new.bytes()).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(prefix) || !new.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = old.len().min(new.len()) - prefix;
    let mut suffix = old.bytes().rev().zip(new.bytes().rev()).take(max_suffix).take_while(|(a, b)| a == b).count();
    while !old.is_char_boundary(old.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Some(TextEdit {
        span: Span::new(prefix as u32, (old.len() - suffix) as u32),
        text: new[prefix..new.len() - suffix].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use crate::fixture::fixture;

    #[test]
    fn one_small_edit_that_gives_the_canonical_text() {
        let (host, _) = fixture("task t() {\n    image:   \"é\"\n}\n");
        let edits = host.analysis().format("main.skiff").unwrap().unwrap();
        assert_eq!(edits.len(), 1);
        let mut text = host.text("main.skiff").unwrap();
        text.replace_range(edits[0].span.range(), &edits[0].text);
        assert_eq!(text, skiff_fmt::format(&host.text("main.skiff").unwrap()).unwrap());
        assert!(edits[0].span.start >= 10, "the unchanged start is left alone: {:?}", edits[0]);
        let (clean, _) = fixture(&text);
        assert_eq!(clean.analysis().format("main.skiff").unwrap(), Some(vec![]));
        let (broken, _) = fixture("task t( {\n");
        assert_eq!(broken.analysis().format("main.skiff").unwrap(), None);
    }
}
