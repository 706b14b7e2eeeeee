//! Find references: every place that names the definition under the cursor, across files.

use crate::defs;
use crate::{FilePosition, FileRange};
use skiff_sema::Db;

pub(crate) fn references(db: &dyn Db, position: &FilePosition, include_declaration: bool) -> Vec<FileRange> {
    let Some((def, _)) = defs::def_at(db, &position.path, position.offset) else { return Vec::new() };
    let mut out = defs::references(db, &def);
    if include_declaration
        && !matches!(def, defs::Def::File(_))
        && let Some((range, name)) = defs::definition_range(db, &def)
    {
        out.push(FileRange { path: range.path, span: name });
        out.sort();
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::fixture::{fixture, show};
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let (host, position) = fixture(text);
        let found = host.analysis().references(&position, true).unwrap();
        let shown: Vec<String> = found.iter().map(|r| show(&host, &r.path, r.span)).collect();
        expect.assert_eq(&shown.join("\n"));
    }

    const TEXT: &str = r#"//- main.skiff
import "lib.skiff" as lib

task train(data: File, epochs: int = 1) -> File {
  image: "i"
  args: ["{{inputs.epochs}}", "{{ inputs.data }}"]
  pod_template: lib.gpu
}

workflow w(data: File) -> File {
  let a = train(data: data, epochs: 2)
  let b = train(data: a)
    override pod_template: lib.gpu
  return b
}
//- lib.skiff
pod_template gpu {}
pod_template big extends gpu {}
//- other.skiff
import "lib.skiff" as l
task t() {
  image: "i"
  pod_template: l.gpu
}
"#;

    fn at(marker: &str) -> String {
        let (before, after) = marker.split_once('|').unwrap();
        let plain = format!("{before}{after}");
        let at = TEXT.find(&plain).unwrap() + before.len();
        format!("{}$0{}", &TEXT[..at], &TEXT[at..])
    }

    #[test]
    fn template_across_files() {
        check(
            &at("pod_template g|pu {}"),
            expect![[r#"
            lib.skiff 13..16 "gpu"
            lib.skiff 45..48 "gpu"
            main.skiff 161..164 "gpu"
            main.skiff 296..299 "gpu"
            other.skiff 66..69 "gpu""#]],
        );
    }

    #[test]
    fn task_parameter_in_placeholders_and_calls() {
        check(
            &at("train(data: File, ep|ochs"),
            expect![[r#"
            main.skiff 50..56 "epochs"
            main.skiff 109..115 "epochs"
            main.skiff 229..235 "epochs""#]],
        );
    }

    #[test]
    fn workflow_parameter_and_binding() {
        check(
            &at("w(da|ta: File)"),
            expect![[r#"
            main.skiff 179..183 "data"
            main.skiff 223..227 "data""#]],
        );
        check(
            &at("let a| = "),
            expect![[r#"
            main.skiff 207..208 "a"
            main.skiff 262..263 "a""#]],
        );
    }

    #[test]
    fn import_alias() {
        check(
            &at("as l|ib"),
            expect![[r#"
            main.skiff 22..25 "lib"
            main.skiff 157..160 "lib"
            main.skiff 292..295 "lib""#]],
        );
    }
}
