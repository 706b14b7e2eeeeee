//! Go to definition: from a name to where it is defined (items across files, parameters,
//! bindings, and the file an import names).

use crate::FilePosition;
use crate::defs::{self, NavTarget, nav_target};
use skiff_sema::Db;

pub(crate) fn goto_definition(db: &dyn Db, position: &FilePosition) -> Vec<NavTarget> {
    let Some((def, _)) = defs::def_at(db, &position.path, position.offset) else { return Vec::new() };
    nav_target(db, &def).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use crate::fixture::{fixture, show};
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let (host, position) = fixture(text);
        let targets = host.analysis().goto_definition(&position).unwrap();
        let shown: Vec<String> =
            targets.iter().map(|t| format!("{:?} {}", t.kind, show(&host, &t.path, t.focus_span))).collect();
        expect.assert_eq(&shown.join("\n"));
    }

    const SEED: &str = r#"//- main.skiff
import "lib/gpu.skiff" as gpu

task train(data: DataFrame, epochs: int = 10) -> File {
  image: "ghcr.io/acme/train:1.4"
  command: ["train", "--epochs", "{{inputs.epochs}}"]
  pod_template: gpu.v100
}

workflow flow(data1: DataFrame) -> File {
  let m1 = train(data: data1)
  let m2 = train(data: m1)
    override pod_template: gpu.v100
  return m2
}
//- lib/gpu.skiff
pod_template v100 {
  nodeSelector { "gpu-type": "nvidia-tesla-v100" }
}
"#;

    fn at(marker: &str) -> String {
        // Puts the cursor at the first occurrence of `marker` in the seed (at its `|`).
        let (before, after) = marker.split_once('|').unwrap();
        let plain = format!("{before}{after}");
        let at = SEED.find(&plain).unwrap_or_else(|| panic!("{plain} in the seed")) + before.len();
        format!("{}$0{}", &SEED[..at], &SEED[at..])
    }

    #[test]
    fn template_across_files() {
        check(&at("gpu.v|100\n}"), expect![[r#"Template lib/gpu.skiff 13..17 "v100""#]]);
        check(&at("override pod_template: gpu.v1|00"), expect![[r#"Template lib/gpu.skiff 13..17 "v100""#]]);
    }

    #[test]
    fn import_alias_and_file() {
        check(&at("pod_template: g|pu"), expect![[r#"Import main.skiff 26..29 "gpu""#]]);
        check(&at("import \"lib/g|pu"), expect![[r#"File lib/gpu.skiff 0..0 """#]]);
    }

    #[test]
    fn callee_binding_param_and_argument() {
        check(&at("let m1 = tr|ain"), expect![[r#"Task main.skiff 36..41 "train""#]]);
        check(&at("train(data: m|1)"), expect![[r#"Binding main.skiff 251..253 "m1""#]]);
        check(&at("train(data: data|1)"), expect![[r#"Parameter main.skiff 217..222 "data1""#]]);
        check(&at("train(da|ta: data1)"), expect![[r#"Parameter main.skiff 42..46 "data""#]]);
        check(&at("{{inputs.ep|ochs}}"), expect![[r#"Parameter main.skiff 59..65 "epochs""#]]);
    }

    #[test]
    fn nothing_to_jump_to() {
        check(&at("image|: "), expect![[""]]);
        check("task t() {\n  pod_template: nope$0\n}\n", expect![[""]]);
    }
}
