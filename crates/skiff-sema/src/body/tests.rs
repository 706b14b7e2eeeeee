use super::*;
use skiff_k8s::BodyShape;
use skiff_k8s::codes;
use skiff_syntax::ast::{Block, ItemKind, Stmt, TemplateBody};
use skiff_syntax::{Severity, parse};

const TEMPLATE_PREFIX: &str = "pod_template t {\n";
const TASK_PREFIX: &str = "task t() {\n";

/// The source of a one-item file holding `snippet` as the body of a template or a task.
fn source(shape: BodyShape, snippet: &str) -> String {
    match shape {
        BodyShape::PodTemplate => format!("{TEMPLATE_PREFIX}{snippet}\n}}\n"),
        BodyShape::Container => format!("{TASK_PREFIX}{snippet}\n}}\n"),
    }
}

/// Parses `src` (which must parse cleanly) and returns the body of its only item.
fn body(src: &str) -> Block {
    let parsed = parse(src);
    assert!(parsed.errors.is_empty(), "{src}\nparse errors: {:?}", parsed.errors);
    match &parsed.file.items[0].kind {
        ItemKind::Template(t) => match &t.body {
            TemplateBody::Block(b) => b.clone(),
            TemplateBody::File(_) => panic!("not a block"),
        },
        ItemKind::Task(t) => t.body.clone(),
        other => panic!("unexpected item {other:?}"),
    }
}

fn check(shape: BodyShape, snippet: &str, skiff_fields: &[&str]) -> (String, Vec<Diagnostic>) {
    let src = source(shape, snippet);
    let block = body(&src);
    let diagnostics = check_body(&block, shape, skiff_fields);
    (src, diagnostics)
}

/// The snippet with the diagnostic's fix applied (edits applied from the end).
fn apply(src: &str, shape: BodyShape, fix: &Fix) -> String {
    let mut text = src.to_owned();
    let mut edits = fix.edits.clone();
    edits.sort_by_key(|e| std::cmp::Reverse((e.span.start, e.span.end)));
    for edit in edits {
        text.replace_range(edit.span.range(), &edit.text);
    }
    let prefix = match shape {
        BodyShape::PodTemplate => TEMPLATE_PREFIX,
        BodyShape::Container => TASK_PREFIX,
    };
    text.strip_prefix(prefix).and_then(|t| t.strip_suffix("\n}\n")).unwrap_or(&text).to_owned()
}

use BodyShape::{Container as C, PodTemplate as P};

/// (shape, snippet, code, the text the diagnostic points at, the snippet after its fix).
#[rustfmt::skip]
const CASES: &[(BodyShape, &str, &str, &str, Option<&str>)] = &[
    // unknown fields
    (P, r#"node_selector { "gpu-type": "a100" }"#, codes::UNKNOWN_FIELD, "node_selector", Some(r#"nodeSelector { "gpu-type": "a100" }"#)),
    (P, "restart_policy: \"Never\"", codes::UNKNOWN_FIELD, "restart_policy", Some("restartPolicy: \"Never\"")),
    (P, "delete node_selector", codes::UNKNOWN_FIELD, "node_selector", Some("delete nodeSelector")),
    (P, "tolerations: [{ key: \"gpu\", opertor: \"Exists\" }]", codes::UNKNOWN_FIELD, "opertor", Some("tolerations: [{ key: \"gpu\", operator: \"Exists\" }]")),
    (P, "metadata { lables { a: \"b\" } }", codes::UNKNOWN_FIELD, "lables", Some("metadata { labels { a: \"b\" } }")),
    (P, "spec { nodeName: \"n1\" }", codes::UNKNOWN_FIELD, "spec", None),
    (P, "image: \"x\"", codes::UNKNOWN_FIELD, "image", None),
    (C, "nodeSelector { a: \"b\" }", codes::UNKNOWN_FIELD, "nodeSelector", None),
    (C, "\"image_pull_policy\": \"Always\"", codes::UNKNOWN_FIELD, "\"image_pull_policy\"", Some("imagePullPolicy: \"Always\"")),
    // wrong kinds
    (P, "affinity: \"x\"", codes::WRONG_KIND, "\"x\"", None),
    (P, "hostNetwork: \"true\"", codes::WRONG_KIND, "\"true\"", Some("hostNetwork: true")),
    (P, "terminationGracePeriodSeconds: \"30\"", codes::WRONG_KIND, "\"30\"", Some("terminationGracePeriodSeconds: 30")),
    (P, "activeDeadlineSeconds: 30m", codes::WRONG_KIND, "30m", Some("activeDeadlineSeconds: 1800")),
    (P, "tolerations { key: \"gpu\", operator: \"Exists\" }", codes::WRONG_KIND, "{ key: \"gpu\", operator: \"Exists\" }", Some("tolerations: [{ key: \"gpu\", operator: \"Exists\" }]")),
    (P, "replace tolerations: {}", codes::WRONG_KIND, "{}", Some("replace tolerations: [{}]")),
    (C, "command: \"python\"", codes::WRONG_KIND, "\"python\"", Some("command: [\"python\"]")),
    (C, "image: 42", codes::WRONG_KIND, "42", Some("image: \"42\"")),
    (C, "args: [\"--x\", 1]", codes::WRONG_KIND, "1", Some("args: [\"--x\", \"1\"]")),
    (C, "args: [null]", codes::WRONG_KIND, "null", None),
    (C, "env { PORT: 8080 }", codes::WRONG_KIND, "8080", Some("env { PORT: \"8080\" }")),
    (C, "env: \"A=1\"", codes::WRONG_KIND, "\"A=1\"", None),
    (P, "metadata { labels { gpu: true } }", codes::WRONG_KIND, "true", Some("metadata { labels { gpu: \"true\" } }")),
    (C, "livenessProbe { httpGet { port: 80Mi } }", codes::WRONG_KIND, "80Mi", Some("livenessProbe { httpGet { port: \"80Mi\" } }")),
    (C, "resources { limits { cpu: true } }", codes::WRONG_KIND, "true", None),
    // enums
    (P, "tolerations: [{ key: \"gpu\", operator: \"Equal\", value: \"x\", effect: \"NoSchedul\" }]", codes::INVALID_ENUM_VALUE, "\"NoSchedul\"", Some("tolerations: [{ key: \"gpu\", operator: \"Equal\", value: \"x\", effect: \"NoSchedule\" }]")),
    (P, "restartPolicy: \"never\"", codes::INVALID_ENUM_VALUE, "\"never\"", Some("restartPolicy: \"Never\"")),
    (P, "dnsPolicy: \"Cluster\"", codes::INVALID_ENUM_VALUE, "\"Cluster\"", None),
    (C, "imagePullPolicy: \"always\"", codes::INVALID_ENUM_VALUE, "\"always\"", Some("imagePullPolicy: \"Always\"")),
    (C, "livenessProbe { httpGet { port: 8080, scheme: \"http\" } }", codes::INVALID_ENUM_VALUE, "\"http\"", Some("livenessProbe { httpGet { port: 8080, scheme: \"HTTP\" } }")),
    (C, "ports: [{ containerPort: 53, protocol: \"udp\" }]", codes::INVALID_ENUM_VALUE, "\"udp\"", Some("ports: [{ containerPort: 53, protocol: \"UDP\" }]")),
    // quantities
    (C, "resources { limits { memory: 8Gb } }", codes::INVALID_QUANTITY, "8Gb", Some("resources { limits { memory: 8Gi } }")),
    (C, "resources { limits { memory: \"8GB\" } }", codes::INVALID_QUANTITY, "\"8GB\"", Some("resources { limits { memory: \"8G\" } }")),
    (C, "resources { requests { memory: 512mb } }", codes::INVALID_QUANTITY, "512mb", Some("resources { requests { memory: 512Mi } }")),
    (C, "resources { requests { memory: \"2 Gi\" } }", codes::INVALID_QUANTITY, "\"2 Gi\"", Some("resources { requests { memory: \"2Gi\" } }")),
    (C, "resources { limits { cpu: \"2 cores\" } }", codes::INVALID_QUANTITY, "\"2 cores\"", None),
    (P, "containers[\"a\"] { resources { limits { memory: 8Gb } } }", codes::INVALID_QUANTITY, "8Gb", Some("containers[\"a\"] { resources { limits { memory: 8Gi } } }")),
    (P, "overhead { cpu: 1x }", codes::INVALID_QUANTITY, "1x", None),
    (C, "resources { limits { memory: -1Gi } }", codes::INVALID_QUANTITY, "-1Gi", Some("resources { limits { memory: 1Gi } }")),
    (C, "resources { requests { memory: \"-512Mi\" } }", codes::INVALID_QUANTITY, "\"-512Mi\"", Some("resources { requests { memory: \"512Mi\" } }")),
    (C, "resources { requests { cpu: -2 } }", codes::INVALID_QUANTITY, "-2", Some("resources { requests { cpu: 2 } }")),
    (P, "volumes: [{ name: \"v\", emptyDir { sizeLimit: -0.5 } }]", codes::INVALID_QUANTITY, "-0.5", Some("volumes: [{ name: \"v\", emptyDir { sizeLimit: 0.5 } }]")),
    (C, "resources { limits { memory: 512m } }", codes::SUSPICIOUS_QUANTITY, "512m", Some("resources { limits { memory: 512Mi } }")),
    (C, "resources { requests { memory: 16Gi } limits { memory: 8Gi } }", codes::REQUESTS_EXCEED_LIMITS, "16Gi", None),
    (C, "resources { requests { cpu: 2 } limits { cpu: \"1500m\" } }", codes::REQUESTS_EXCEED_LIMITS, "2", None),
    (C, "ports: [{ containerPort: 99999999999 }]", codes::INTEGER_OUT_OF_RANGE, "99999999999", None),
    // labels, annotations, names
    (P, r#"nodeSelector { "gpu type": "a100" }"#, codes::INVALID_LABEL_KEY, "\"gpu type\"", Some(r#"nodeSelector { "gpu-type": "a100" }"#)),
    (P, r#"nodeSelector { "gpu-type": "nvidia tesla" }"#, codes::INVALID_LABEL_VALUE, "\"nvidia tesla\"", Some(r#"nodeSelector { "gpu-type": "nvidia-tesla" }"#)),
    (P, "metadata { labels { team: \"ml/infra\" } }", codes::INVALID_LABEL_VALUE, "\"ml/infra\"", Some("metadata { labels { team: \"ml-infra\" } }")),
    (P, "metadata { labels { \"Example.com/team\": \"ml\" } }", codes::INVALID_LABEL_KEY, "\"Example.com/team\"", Some("metadata { labels { \"example.com/team\": \"ml\" } }")),
    (P, "metadata { annotations { \"a b\": \"x\" } }", codes::INVALID_ANNOTATION_KEY, "\"a b\"", Some("metadata { annotations { \"a-b\": \"x\" } }")),
    (C, "resources { limits { gpu: 999 } }", codes::INVALID_RESOURCE_NAME, "gpu", Some("resources { limits { \"nvidia.com/gpu\": 999 } }")),
    (C, "resources { requests { \"kubernetes.io/gpu\": 1 } }", codes::INVALID_RESOURCE_NAME, "\"kubernetes.io/gpu\"", None),
    (C, "resources { requests { widgets: 1 } }", codes::INVALID_RESOURCE_NAME, "widgets", None),
    (C, "image: \"<your-private-image>\"", codes::INVALID_IMAGE, "\"<your-private-image>\"", None),
    (C, "image: \"ghcr.io/Acme/train:1.4\"", codes::INVALID_IMAGE, "\"ghcr.io/Acme/train:1.4\"", None),
    (C, "image: \"train:v1 \"", codes::INVALID_IMAGE, "\"train:v1 \"", None),
    (P, "containers: [{ name: \"My_Sidecar\", image: \"x\" }]", codes::INVALID_NAME, "\"My_Sidecar\"", Some("containers: [{ name: \"my-sidecar\", image: \"x\" }]")),
    (P, "containers[\"Log_Shipper\"] { image: \"x\" }", codes::INVALID_NAME, "\"Log_Shipper\"", Some("containers[\"log-shipper\"] { image: \"x\" }")),
    (P, "volumes: [{ name: \"data.set\", emptyDir {} }]", codes::INVALID_NAME, "\"data.set\"", Some("volumes: [{ name: \"data-set\", emptyDir {} }]")),
    (C, "name: \"-x\"", codes::INVALID_NAME, "\"-x\"", Some("name: \"x\"")),
    (P, "serviceAccountName: \"Build_Bot.ci\"", codes::INVALID_NAME, "\"Build_Bot.ci\"", Some("serviceAccountName: \"build-bot.ci\"")),
    (C, "env { \"\": \"x\" }", codes::INVALID_ENV_NAME, "\"\"", None),
    (C, "env { \"A=B\": \"x\" }", codes::INVALID_ENV_NAME, "\"A=B\"", Some("env { A_B: \"x\" }")),
    (C, "env: [{ name: \"A=B\\nC\", value: \"x\" }]", codes::INVALID_ENV_NAME, "\"A=B\\nC\"", Some("env: [{ name: \"A_B_C\", value: \"x\" }]")),
    (C, "env: [{ name: \"\" }]", codes::INVALID_ENV_NAME, "\"\"", None),
    // keyed lists, duplicates, operators
    (P, "volumes: [{ name: \"data\", emptyDir {} }, { name: \"data\", emptyDir {} }]", codes::DUPLICATE_MERGE_KEY, "\"data\"", None),
    (C, "ports: [{ containerPort: 80 }, { containerPort: 80, protocol: \"TCP\" }]", codes::DUPLICATE_MERGE_KEY, "80", None),
    (C, "env: [{ name: \"A\", value: \"1\" }, { name: \"A\" }]", codes::DUPLICATE_MERGE_KEY, "\"A\"", None),
    (P, "containers: [{ image: \"x\" }]", codes::MISSING_MERGE_KEY, "{ image: \"x\" }", None),
    (P, "hostNetwork: true, hostNetwork: false", codes::DUPLICATE_KEY, "hostNetwork", None),
    (C, "env { A: \"1\", A: \"2\" }", codes::DUPLICATE_KEY, "A", None),
    (P, "containers[\"a\"] { image: \"x\" }, containers[\"a\"] { args: [] }", codes::DUPLICATE_KEY, "containers[\"a\"]", None),
    (P, "tolerations: [{ key: \"gpu\", operator: \"Exists\", value: \"x\", effect: \"NoSchedule\" }]", codes::TOLERATION_EXISTS_WITH_VALUE, "value: \"x\"", Some("tolerations: [{ key: \"gpu\", operator: \"Exists\", , effect: \"NoSchedule\" }]")),
    (P, "tolerations[\"gpu\"] { effect: \"NoSchedule\" }", codes::INDEX_NOT_KEYED, "[\"gpu\"]", None),
    (P, "nodeSelector[\"a\"]: \"b\"", codes::INDEX_NOT_KEYED, "[\"a\"]", None),
    (P, "hostname[\"a\"]: \"b\"", codes::INDEX_NOT_KEYED, "[\"a\"]", None),
    (P, "metadata { labels { a[\"x\"]: \"b\" } }", codes::INDEX_NOT_KEYED, "[\"x\"]", None),
    (P, "containers[1] { image: \"x\" }", codes::INDEX_TYPE_MISMATCH, "1", Some("containers[\"1\"] { image: \"x\" }")),
    (C, "ports[\"8080\"] { protocol: \"TCP\" }", codes::INDEX_TYPE_MISMATCH, "\"8080\"", Some("ports[8080] { protocol: \"TCP\" }")),
    (C, "ports[\"http\"] { protocol: \"TCP\" }", codes::INDEX_TYPE_MISMATCH, "\"http\"", None),
    (P, "containers[\"a\"] { name: \"b\", image: \"x\" }", codes::MERGE_KEY_MISMATCH, "\"b\"", Some("containers[\"a\"] { , image: \"x\" }")),
    (C, "image += \"x\"", codes::APPEND_TO_NON_LIST, "image", Some("image: \"x\"")),
    (P, "containers[\"a\"] += [{ image: \"x\" }]", codes::APPEND_TO_NON_LIST, "containers[\"a\"]", None),
    (P, "nodeSelector { a += [\"b\"] }", codes::APPEND_TO_NON_LIST, "a", None),
    (C, "env { A += \"b\" }", codes::APPEND_TO_NON_LIST, "A", Some("env { A: \"b\" }")),
];

#[test]
fn each_mistake_is_reported_once_with_its_span_and_fix() {
    for (shape, snippet, code, at, fixed) in CASES {
        let (src, diagnostics) = check(*shape, snippet, &[]);
        let context = format!("{shape:?} `{snippet}`: {diagnostics:#?}");
        assert_eq!(diagnostics.len(), 1, "{context}");
        let d = &diagnostics[0];
        assert_eq!(d.code, *code, "{context}");
        assert_eq!(&src[d.span.range()], *at, "{context}");
        let expected_severity = if *code == codes::SUSPICIOUS_QUANTITY { Severity::Warning } else { Severity::Error };
        assert_eq!(d.severity, expected_severity, "{context}");
        assert!(!d.message.is_empty());
        match (fixed, &d.fix) {
            (Some(fixed), Some(fix)) => {
                let applied = apply(&src, *shape, fix);
                assert_eq!(applied, *fixed, "{context}");
                // The fixed text parses and checks clean.
                let (_, after) = check(*shape, &applied, &[]);
                assert!(after.is_empty(), "after the fix `{applied}`: {after:#?}");
            }
            (None, None) => {}
            (fixed, fix) => panic!("expected fix {fixed:?}, got {fix:?}\n{context}"),
        }
    }
}

/// Bodies that are fine as they are.
const CLEAN: &[(BodyShape, &str)] = &[
    (
        C,
        r#"resources { limits { cpu: 1, memory: 1Gi, "ephemeral-storage": 1Gi, "hugepages-2Mi": 2Mi, "nvidia.com/gpu": 1 } }"#,
    ),
    (
        C,
        r#"image: "localhost:5000/a/b-c__d.e:v1.2-rc_3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef""#,
    ),
    (C, r#"image: "Registry.Example.com:443/team/app""#),
    (C, r#"image: "busybox""#),
    // A DNS server's ports: one number, two protocols, two ports.
    (
        C,
        r#"ports: [{ name: "dns", containerPort: 53, protocol: "UDP" }, { name: "dns-tcp", containerPort: 53, protocol: "TCP" }]"#,
    ),
    (
        P,
        r#"nodeSelector { "gpu-type": "nvidia-tesla-v100" }
tolerations: [{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }]"#,
    ),
    (P, r#"tolerations += [{ key: "spot", operator: "Exists", effect: "NoSchedule" }]"#),
    (
        P,
        "delete nodeSelector\nreplace tolerations: []\ncontainers[\"log-shipper\"] { image: \"fluent/fluent-bit:3.0\" }\ndelete containers[\"debug\"]",
    ),
    (P, "nodeSelector: null\naffinity: null\nmetadata { labels { team: null } }"),
    (P, "containers[\"primary\"] { image: base_image }\nserviceAccountName: account"),
    (
        P,
        "metadata { labels { app: \"web\", \"skiff.dev/workflow\": \"w\", empty: \"\" } annotations { \"example.com/note\": \"anything at all: / spaces\" } }",
    ),
    (
        P,
        "volumes: [{ name: \"data\", hostPath { path: \"/data\", type: \"\" } }, { name: \"cache\", emptyDir { medium: \"Memory\", sizeLimit: 1Gi } }]",
    ),
    (P, "tolerations: [{ key: \"gpu\", operator: \"Exists\", value: \"\" }]"),
    (
        P,
        "topologySpreadConstraints: [{ topologyKey: \"zone\", maxSkew: 1, whenUnsatisfiable: \"DoNotSchedule\", labelSelector { matchLabels { app: \"web\" } } }]",
    ),
    (
        P,
        "affinity { nodeAffinity { requiredDuringSchedulingIgnoredDuringExecution { nodeSelectorTerms: [{ matchExpressions: [{ key: \"gpu\", operator: \"In\", values: [\"a100\"] }] }] } } }",
    ),
    (
        P,
        "containers[\"a\"] { ports[8080] { protocol: \"TCP\" } }\nsecurityContext { runAsUser: 0, fsGroupChangePolicy: \"OnRootMismatch\" }",
    ),
    (P, "containers[\"a\"] { name: \"a\" }"),
    (
        C,
        r#"image: "ghcr.io/acme/train:1.4"
command: ["python", "-m", "train", "--epochs", "{{inputs.epochs}}"]
resources { requests { cpu: 2, memory: 8Gi } limits { "nvidia.com/gpu": 1 } }"#,
    ),
    (
        C,
        "resources { requests { cpu: 0.5, memory: \"512Mi\" } limits { cpu: \"1\", memory: 1e9, \"ephemeral-storage\": 10G } }",
    ),
    (C, "resources { requests { memory: 1Gi } limits { memory: 1024Mi } }"),
    (C, "env { A: \"1\", B: some_param, TOKEN { valueFrom { secretKeyRef { name: \"s\", key: \"token\" } } } }"),
    (C, "env: [{ name: \"A\", value: \"1\" }, { name: \"B\", value: \"2\" }]"),
    (C, "env += [{ name: \"C\", value: \"3\" }]\ndelete env[\"A\"]\nenv[\"B\"] { value: \"20\" }"),
    (
        C,
        "ports: [{ containerPort: 80, name: \"http\" }]\nlivenessProbe { httpGet { port: \"http\", path: \"/\" } tcpSocket { port: 80 } }",
    ),
    (C, "volumeMounts: [{ name: \"data\", mountPath: \"/data\", mountPropagation: \"HostToContainer\" }]"),
    (C, "imagePullPolicy: \"IfNotPresent\", terminationMessagePolicy: \"FallbackToLogsOnError\""),
    (C, "resources { claims: [{ name: \"gpu\" }, { name: \"gpu\" }] }"),
];

#[test]
fn valid_bodies_have_no_diagnostics() {
    for (shape, snippet) in CLEAN {
        let (_, diagnostics) = check(*shape, snippet, &[]);
        assert!(diagnostics.is_empty(), "{shape:?} `{snippet}`: {diagnostics:#?}");
    }
}

#[test]
fn skiff_fields_are_skipped_at_the_top_level_only() {
    let snippet = "image: \"x\"\nretries: 3\ntimeout: 2h\npod_template: gpu.v100\nprimary_container: \"main\"";
    let skiff = ["pod_template", "retries", "timeout", "primary_container"];
    let (_, diagnostics) = check(C, snippet, &skiff);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let (_, diagnostics) = check(C, snippet, &[]);
    assert_eq!(diagnostics.iter().filter(|d| d.code == codes::UNKNOWN_FIELD).count(), 4, "{diagnostics:#?}");
    let (_, diagnostics) = check(C, "securityContext { retries: 3 }", &skiff);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].code, codes::UNKNOWN_FIELD);
}

#[test]
fn messages_name_the_field_and_the_type() {
    let (_, d) = check(P, "node_selector { a: \"b\" }", &[]);
    assert_eq!(d[0].message, "unknown field `node_selector` in PodSpec");
    assert_eq!(d[0].help.as_deref(), Some("did you mean `nodeSelector`?"));
    let (_, d) = check(P, "spec { nodeName: \"n1\" }", &[]);
    assert!(d[0].help.as_deref().unwrap().contains("without `spec"), "{:?}", d[0].help);
    let (_, d) = check(P, "image: \"x\"", &[]);
    assert!(d[0].help.as_deref().unwrap().contains("Container field"), "{:?}", d[0].help);
    let (_, d) = check(C, "node_selector { a: \"b\" }", &[]);
    assert!(d[0].help.as_deref().unwrap().contains("pod_template"), "{:?}", d[0].help);
    let (_, d) = check(P, "affinity: \"x\"", &[]);
    assert_eq!(d[0].message, "expected an object (Affinity) for `affinity`, found a string");
    let (_, d) = check(P, "tolerations: [{ effect: \"NoSchedul\" }]", &[]);
    assert_eq!(d[0].message, "`NoSchedul` is not a valid `effect` of Toleration");
    assert!(d[0].help.as_deref().unwrap().contains("`PreferNoSchedule`"));
    let (_, d) = check(C, "resources { limits { memory: \"8GB\" } }", &[]);
    assert_eq!(d[0].message, "invalid quantity `8GB` for `memory` in `limits`: `GB` is not a quantity suffix");
    assert!(d[0].help.as_deref().unwrap().contains("`8Gi`"), "{:?}", d[0].help);
    let (_, d) = check(C, "resources { requests { memory: 16Gi } limits { memory: 8Gi } }", &[]);
    assert_eq!(d[0].message, "the request for `memory` (16Gi) is above its limit (8Gi)");
    assert_eq!(d[0].labels.len(), 1);
    let (src, d) = check(P, "hostNetwork: true, hostNetwork: false", &[]);
    assert_eq!(&src[d[0].labels[0].span.range()], "hostNetwork");
    assert!(d[0].labels[0].span.start < d[0].span.start, "the label points at the first one");
}

#[test]
fn a_misspelled_field_is_still_checked_as_the_field_it_meant() {
    let (src, d) = check(P, r#"node_selector { "gpu type": "a100" }"#, &[]);
    let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
    assert_eq!(codes, [codes::UNKNOWN_FIELD, codes::INVALID_LABEL_KEY]);
    assert_eq!(&src[d[1].span.range()], "\"gpu type\"");
    let (_, d) = check(P, "zzqqxx: 1", &[]);
    assert_eq!(d.len(), 1, "no suggestion, nothing more: {d:#?}");
}

#[test]
fn an_empty_enum_value_is_shown_quoted() {
    let (_, d) = check(P, "volumes: [{ name: \"v\", hostPath { path: \"/x\", type: \"dir\" } }]", &[]);
    assert_eq!(d[0].code, codes::INVALID_ENUM_VALUE);
    assert!(
        d[0].help.as_deref().unwrap().starts_with("expected one of `\"\"`, `DirectoryOrCreate`"),
        "{:?}",
        d[0].help
    );
}

#[test]
fn several_mistakes_in_one_body_are_all_reported() {
    let snippet = r#"node_selector { "gpu type": "a100" }
tolerations: [{ key: "gpu", operator: "Exists", value: "x", effect: "NoSchedul" }]
containers["app"] { resources { limits { memory: 8Gb } } }"#;
    let (_, diagnostics) = check(P, snippet, &[]);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        [
            codes::UNKNOWN_FIELD,
            codes::INVALID_LABEL_KEY,
            codes::INVALID_ENUM_VALUE,
            codes::TOLERATION_EXISTS_WITH_VALUE,
            codes::INVALID_QUANTITY
        ]
    );
}

#[test]
fn check_field_checks_an_override_against_the_container() {
    let src = "workflow w() {\n  let a = t()\n    override resources { limits { memory: 32Gb } }\n    override node_selector { a: \"b\" }\n  return a\n}\n";
    let parsed = parse(src);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    let ItemKind::Workflow(workflow) = &parsed.file.items[0].kind else { panic!("not a workflow") };
    let Stmt::Let(binding) = &workflow.body[0] else { panic!("not a let") };
    let d = check_field(&binding.overrides[0].field, C);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, codes::INVALID_QUANTITY);
    assert_eq!(&src[d[0].span.range()], "32Gb");
    let d = check_field(&binding.overrides[1].field, C);
    assert_eq!(d[0].code, codes::UNKNOWN_FIELD);
    assert!(d[0].help.as_deref().unwrap().contains("pod_template"));
    let d = check_field(&binding.overrides[1].field, P);
    assert_eq!(d[0].fix.as_ref().unwrap().edits[0].text, "nodeSelector");
}

#[test]
fn the_seed_example_checks_clean() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/seed");
    for file in ["train.skiff", "lib/gpu.skiff"] {
        let Ok(src) = std::fs::read_to_string(format!("{root}/{file}")) else { continue };
        let parsed = parse(&src);
        let mut bodies = 0;
        for item in &parsed.file.items {
            match &item.kind {
                ItemKind::Template(t) => {
                    if let TemplateBody::Block(b) = &t.body {
                        assert!(check_body(b, P, &[]).is_empty(), "{file}");
                        bodies += 1;
                    }
                }
                ItemKind::Task(t) => {
                    let d = check_body(&t.body, C, &["pod_template", "retries", "timeout", "primary_container"]);
                    assert!(d.is_empty(), "{file}: {d:#?}");
                    bodies += 1;
                }
                ItemKind::Workflow(w) => {
                    for stmt in &w.body {
                        let Stmt::Let(binding) = stmt else { continue };
                        for o in &binding.overrides {
                            let name = o.field.key.name.text.as_str();
                            let d = match (name, o.field.op.value().map(|v| &v.kind)) {
                                ("pod_template", Some(ValueKind::Object(b))) => check_body(b, P, &[]),
                                ("pod_template", _) => continue,
                                _ => check_field(&o.field, C),
                            };
                            assert!(d.is_empty(), "{file}: {d:#?}");
                            bodies += 1;
                        }
                    }
                }
                _ => {}
            }
        }
        assert!(bodies > 0, "{file} has no bodies");
    }
}

#[test]
fn a_duration_is_checked_with_fixes_written_as_the_value_was() {
    let value = |kind: ValueKind| Value { kind, span: Span::new(10, 16) };
    let check = |kind: ValueKind| {
        let mut diagnostics = Vec::new();
        let duration = check_duration(&value(kind), &mut diagnostics);
        (duration, diagnostics)
    };
    assert_eq!(check(ValueKind::Unit("2h".into())), (Duration::from_secs(7_200), vec![]));
    assert_eq!(check(ValueKind::Str("90s".into())), (Duration::from_secs(90), vec![]));
    assert_eq!(check(ValueKind::Error), (None, vec![]));

    let (duration, errors) = check(ValueKind::Unit("30sec".into()));
    assert_eq!((duration, errors.len()), (None, 1));
    assert_eq!(errors[0].code, codes::INVALID_DURATION);
    assert_eq!(errors[0].span, Span::new(10, 16));
    assert_eq!(errors[0].fix.as_ref().unwrap().edits[0].text, "30s");

    let (_, errors) = check(ValueKind::Str("2 hours".into()));
    assert_eq!(errors[0].fix.as_ref().unwrap().edits[0].text, "\"2h\"");

    let (_, errors) = check(ValueKind::Int(30));
    assert_eq!(errors[0].fix.as_ref().unwrap().edits[0].text, "30s");

    let (_, errors) = check(ValueKind::Bool(true));
    assert!(errors[0].message.contains("a boolean"), "{}", errors[0].message);
    assert!(errors[0].fix.is_none());

    let (_, errors) = check(ValueKind::Unit("1w".into()));
    assert!(errors[0].fix.is_none(), "no guess for weeks");
}
