//! YAML written by skiff reads back as the same value, whatever the strings hold: YAML 1.1
//! look-alikes, quotes, colons, hashes, line breaks, control and non-ASCII characters.

use proptest::prelude::*;
use serde_json::{Map, Value};
use skiff_k8s::yaml::{read_yaml, to_yaml};

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "on",
            "off",
            "yes",
            "No",
            "y",
            "true",
            "null",
            "~",
            "0777",
            "0x1F",
            "1e3",
            "1_000",
            "12:30",
            ".5",
            "-1",
            "+1",
            "2026-01-01",
            "8Gi",
            "500m",
            "-m",
            "a: b",
            "a:b",
            "#c",
            "a #c",
            "- x",
            "[x]",
            "{x}",
            "'q'",
            "\"q\"",
            "",
            " ",
            "a\nb",
            "tab\there",
            "\u{85}",
            "\u{2028}",
            "\u{feff}x",
            "é",
            "日本",
            "\u{1}",
            "\\",
            "!tag",
            "&a",
            "*a",
            "%x",
            "@x",
            "`x",
            "|",
            ">",
            "?",
            ",",
        ])
        .prop_map(str::to_owned),
        "[ -~\\n\\t\u{80}-\u{ff}\u{2028}]{0,12}",
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        (-1e6f64..1e6).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..5).prop_map(|entries| {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k, v);
                }
                Value::Object(map)
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn what_is_written_reads_back_the_same(document in prop::collection::vec((text(), value()), 1..6)) {
        let mut map = Map::new();
        for (k, v) in document {
            map.insert(k, v);
        }
        let document = Value::Object(map);
        let text = to_yaml(&document).unwrap();
        let back = read_yaml(&text).unwrap_or_else(|e| panic!("{e}\n{text}")).to_json();
        prop_assert_eq!(&back, &document, "{}", text);
    }
}
