//! Kubernetes name rules (label keys and values, DNS-1123 labels and subdomains), a helper that
//! makes any text a DNS-1123 label, and the spelling help used by every "did you mean" message.

/// The longest DNS-1123 label, label value, and label-key name part.
pub const MAX_LABEL_LEN: usize = 63;
/// The longest DNS-1123 subdomain, and label-key prefix.
pub const MAX_SUBDOMAIN_LEN: usize = 253;

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters: container, volume and pod names.
pub fn check_dns1123_label(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("a DNS-1123 label cannot be empty".to_owned());
    }
    if s.len() > MAX_LABEL_LEN {
        return Err(format!("a DNS-1123 label has at most {MAX_LABEL_LEN} characters, this one has {}", s.len()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        let hint = if c.is_ascii_uppercase() { " (use lower case)" } else { "" };
        return Err(format!("a DNS-1123 label holds only lower-case letters, digits and `-`, not `{c}`{hint}"));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err("a DNS-1123 label starts and ends with a letter or digit".to_owned());
    }
    Ok(())
}

pub fn is_dns1123_label(s: &str) -> bool {
    check_dns1123_label(s).is_ok()
}

/// Dot-separated DNS-1123 labels, at most 253 characters: `example.com`, `nvidia.com`.
pub fn check_dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("a DNS-1123 subdomain cannot be empty".to_owned());
    }
    if s.len() > MAX_SUBDOMAIN_LEN {
        return Err(format!(
            "a DNS-1123 subdomain has at most {MAX_SUBDOMAIN_LEN} characters, this one has {}",
            s.len()
        ));
    }
    for part in s.split('.') {
        if part.is_empty() {
            return Err("a DNS-1123 subdomain has no empty parts (`..`, or a leading or trailing `.`)".to_owned());
        }
        if let Some(c) = part.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
            let hint = if c.is_ascii_uppercase() { " (use lower case)" } else { "" };
            return Err(format!(
                "a DNS-1123 subdomain holds only lower-case letters, digits, `-` and `.`, not `{c}`{hint}"
            ));
        }
        if part.starts_with('-') || part.ends_with('-') {
            return Err("each part of a DNS-1123 subdomain starts and ends with a letter or digit".to_owned());
        }
    }
    Ok(())
}

pub fn is_dns1123_subdomain(s: &str) -> bool {
    check_dns1123_subdomain(s).is_ok()
}

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63 characters; `what` names it in messages.
fn check_qualified_part(s: &str, what: &str) -> Result<(), String> {
    if s.len() > MAX_LABEL_LEN {
        return Err(format!("{what} has at most {MAX_LABEL_LEN} characters, this one has {}", s.len()));
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
        return Err(format!("{what} holds only letters, digits, `-`, `_` and `.`, not `{}`", c.escape_debug()));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) || !s.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!("{what} starts and ends with a letter or digit"));
    }
    Ok(())
}

/// A label (or annotation) key: an optional DNS-1123 subdomain prefix and `/`, then a name of at
/// most 63 characters `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`. `gpu-type`, `nvidia.com/gpu`.
/// A container image reference as the container runtime reads it (the `distribution/reference`
/// grammar): `[host[:port]/]path[:tag][@algorithm:hex]`, the path in lower case. The API server
/// takes any text; the kubelet refuses the rest (`InvalidImageName`).
pub fn check_image_reference(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Err("it is empty".into());
    }
    if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || "._-/:@+".contains(*c))) {
        return Err(format!("`{c}` cannot be in an image reference"));
    }
    let (name, digest) = match s.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (s, None),
    };
    if let Some(digest) = digest {
        let (algorithm, hex) = digest.split_once(':').ok_or("a digest is `ALGORITHM:HEX`, as `sha256:...`")?;
        if algorithm.is_empty() || hex.len() < 32 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format!("`{digest}` is not a digest (`sha256:` and 64 hex digits)"));
        }
    }
    // A tag is after the last `:` that follows the last `/` (a `:` before it is a port).
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match name[last_slash..].rfind(':') {
        Some(at) => (&name[..last_slash + at], Some(&name[last_slash + at + 1..])),
        None => (name, None),
    };
    if let Some(tag) = tag {
        let valid = !tag.is_empty()
            && tag.len() <= 128
            && !tag.starts_with(['.', '-'])
            && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b));
        if !valid {
            return Err(format!("`{tag}` is not a tag (letters, digits, `_`, `.`, `-`; 128 at most)"));
        }
    }
    let mut components: Vec<&str> = name.split('/').collect();
    let first = components[0];
    let has_host = components.len() > 1
        && (first.contains(['.', ':']) || first == "localhost" || first.chars().any(|c| c.is_ascii_uppercase()));
    if has_host {
        let host = components.remove(0);
        let (host, port) = match host.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host, None),
        };
        let host_ok = host.split('.').all(|part| {
            !part.is_empty()
                && !part.starts_with('-')
                && !part.ends_with('-')
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        if !host_ok || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
            return Err(format!("`{}` is not a registry host", &name[..name.find('/').unwrap_or(name.len())]));
        }
    }
    for component in components {
        let valid = !component.is_empty()
            && component.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && component.starts_with(|c: char| c.is_ascii_alphanumeric())
            && component.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !valid {
            let hint = if component.chars().any(|c| c.is_ascii_uppercase()) {
                " (repository names are lower case)"
            } else {
                ""
            };
            return Err(format!("`{component}` is not a repository name{hint}"));
        }
    }
    Ok(())
}

pub fn check_label_key(s: &str) -> Result<(), String> {
    let (prefix, name) = match s.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, s),
    };
    if let Some(prefix) = prefix {
        if name.contains('/') {
            return Err("a label key has at most one `/`".to_owned());
        }
        check_dns1123_subdomain(prefix).map_err(|e| format!("the prefix before `/`: {e}"))?;
    }
    if name.is_empty() {
        return Err("the name part of a label key cannot be empty".to_owned());
    }
    check_qualified_part(name, "the name part of a label key")
}

pub fn is_label_key(s: &str) -> bool {
    check_label_key(s).is_ok()
}

/// A label value: empty, or at most 63 characters `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`.
pub fn check_label_value(s: &str) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    check_qualified_part(s, "a label value")
}

pub fn is_label_value(s: &str) -> bool {
    check_label_value(s).is_ok()
}

/// Lower case, every character outside `[a-z0-9-]` as `-` (so `_` becomes `-`), and no `-` at
/// either end. The length is left alone: callers that need at most 63 characters decide how to
/// shorten (the compiler appends a hash). May return an empty string.
pub fn sanitize_dns1123(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() { c } else { '-' }
        })
        .collect();
    mapped.trim_matches('-').to_owned()
}

/// Lower case, every character outside `[a-z0-9.-]` as `-`, each dot-separated part trimmed of
/// `-`, and empty parts dropped: `Example.com` → `example.com`, `my_svc..acct` → `my-svc.acct`.
/// The length is left alone. May return an empty string.
pub fn sanitize_dns1123_subdomain(s: &str) -> String {
    let mapped: String = s
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' { c } else { '-' }
        })
        .collect();
    let parts: Vec<&str> = mapped.split('.').map(|p| p.trim_matches('-')).filter(|p| !p.is_empty()).collect();
    parts.join(".")
}

/// Any text as a valid DNS-1123 label: [`sanitize_dns1123`], cut to 63 characters (and trimmed
/// again), and `x` when nothing is left.
pub fn to_dns1123_label(s: &str) -> String {
    let mut label = sanitize_dns1123(s);
    label.truncate(MAX_LABEL_LEN); // ASCII only, so any byte index is a character boundary
    let label = label.trim_end_matches('-');
    if label.is_empty() { "x".to_owned() } else { label.to_owned() }
}

/// A valid label value close to `s`: characters outside `[A-Za-z0-9-_.]` as `-`, ends trimmed to
/// letters and digits, at most 63 characters. `None` when nothing usable is left.
pub fn to_label_value(s: &str) -> Option<String> {
    let mapped: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect();
    let trimmed = mapped.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut value = trimmed.to_owned();
    value.truncate(MAX_LABEL_LEN);
    let value = value.trim_end_matches(|c: char| !c.is_ascii_alphanumeric()).to_owned();
    (!value.is_empty()).then_some(value)
}

/// `node_selector` → `nodeSelector`; text without `_` is returned as it is.
pub fn snake_to_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut upper_next = false;
    for (i, c) in s.chars().enumerate() {
        if c == '_' && i > 0 {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The candidate `name` most likely meant, if one is close enough: the camelCase spelling of a
/// snake_case name, then a case-insensitive match, then the nearest by edit distance (at most a
/// third of the name's length, and at least one edit allowed).
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    if candidates.contains(&name) {
        return None;
    }
    let camel = snake_to_camel(name);
    if let Some(c) = candidates.iter().find(|c| **c == camel) {
        return Some(c);
    }
    let squashed = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_lowercase();
    let wanted = squashed(name);
    if let Some(c) = candidates.iter().find(|c| squashed(c) == wanted) {
        return Some(c);
    }
    let limit = (name.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&name.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, c)| (*distance, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns1123_labels() {
        for ok in ["a", "primary", "log-shipper", "a1", "1a", &"a".repeat(63)] {
            assert!(is_dns1123_label(ok), "{ok}");
        }
        let cases: &[(&str, &str)] = &[
            ("", "empty"),
            ("Primary", "lower case"),
            ("my_sidecar", "not `_`"),
            ("-a", "starts and ends"),
            ("a-", "starts and ends"),
            ("a.b", "not `.`"),
            ("é", "not `é`"),
        ];
        for (bad, why) in cases {
            let error = check_dns1123_label(bad).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(check_dns1123_label(&"a".repeat(64)).unwrap_err().contains("64"));
    }

    #[test]
    fn dns1123_subdomains() {
        for ok in ["a", "nvidia.com", "a-b.c-d.e", "my.service.account"] {
            assert!(is_dns1123_subdomain(ok), "{ok}");
        }
        for bad in ["", ".a", "a.", "a..b", "A.com", "a_b.com", "-a.com", "a-.com"] {
            assert!(!is_dns1123_subdomain(bad), "{bad}");
        }
        let long = vec!["a".repeat(63); 4].join("."); // 255 characters
        assert!(!is_dns1123_subdomain(&long));
        assert!(is_dns1123_subdomain(long[..253].trim_end_matches('.')));
    }

    #[test]
    fn label_keys() {
        for ok in ["app", "gpu-type", "nvidia.com/gpu", "skiff.dev/workflow", "A_b.C", "k8s.io/x", "a"] {
            assert!(is_label_key(ok), "{ok}");
        }
        let cases: &[(&str, &str)] = &[
            ("", "cannot be empty"),
            ("nvidia.com/", "cannot be empty"),
            ("/gpu", "prefix"),
            ("a/b/c", "at most one `/`"),
            ("Nvidia.com/gpu", "prefix"),
            ("gpu type", "not ` `"),
            ("-gpu", "starts and ends"),
            ("gpu.", "starts and ends"),
        ];
        for (bad, why) in cases {
            let error = check_label_key(bad).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
        assert!(!is_label_key(&"a".repeat(64)));
        assert!(is_label_key(&format!("{}/{}", "p".repeat(253), "n".repeat(63))));
        assert!(!is_label_key(&format!("{}/n", "p".repeat(254))));
    }

    #[test]
    fn label_values() {
        for ok in ["", "nvidia-tesla-v100", "true", "1.4", "A_b"] {
            assert!(is_label_value(ok), "{ok:?}");
        }
        for bad in ["nvidia tesla", "a/b", "-a", "a-", &"a".repeat(64), "ü"] {
            assert!(!is_label_value(bad), "{bad}");
        }
    }

    #[test]
    fn any_text_becomes_a_dns1123_label() {
        let cases: &[(&str, &str)] = &[
            ("my_workflow-m2", "my-workflow-m2"),
            ("Train_Model", "train-model"),
            ("__a__", "a"),
            ("a b", "a-b"),
            ("Ünïcode", "n-code"),
            ("", "x"),
            ("___", "x"),
        ];
        for (input, expected) in cases {
            assert_eq!(to_dns1123_label(input), *expected, "{input}");
            assert!(is_dns1123_label(&to_dns1123_label(input)));
        }
        let long = format!("{}_{}", "a".repeat(62), "b".repeat(10));
        let label = to_dns1123_label(&long);
        assert_eq!(label, "a".repeat(62), "cut at 63 then the trailing `-` trimmed");
        assert_eq!(sanitize_dns1123(&long).len(), 73);
    }

    #[test]
    fn any_text_as_a_subdomain() {
        assert_eq!(sanitize_dns1123_subdomain("Example.com"), "example.com");
        assert_eq!(sanitize_dns1123_subdomain("my_svc..acct."), "my-svc.acct");
        assert_eq!(sanitize_dns1123_subdomain("-a-.b"), "a.b");
        assert_eq!(sanitize_dns1123_subdomain("..."), "");
        assert!(is_dns1123_subdomain(&sanitize_dns1123_subdomain("Nvidia.COM_x")));
    }

    #[test]
    fn label_values_from_any_text() {
        assert_eq!(to_label_value("nvidia tesla v100").as_deref(), Some("nvidia-tesla-v100"));
        assert_eq!(to_label_value("  x  ").as_deref(), Some("x"));
        assert_eq!(to_label_value("!!!"), None);
        assert_eq!(to_label_value(&"a".repeat(80)).map(|v| v.len()), Some(63));
    }

    #[test]
    fn snake_case_to_camel_case() {
        assert_eq!(snake_to_camel("node_selector"), "nodeSelector");
        assert_eq!(snake_to_camel("termination_grace_period_seconds"), "terminationGracePeriodSeconds");
        assert_eq!(snake_to_camel("image"), "image");
        assert_eq!(snake_to_camel("_private"), "_private");
        assert_eq!(snake_to_camel("a__b"), "aB");
    }

    #[test]
    fn suggestions() {
        let fields = ["nodeSelector", "nodeName", "tolerations", "containers", "restartPolicy", "hostNetwork"];
        assert_eq!(suggest("node_selector", fields), Some("nodeSelector"));
        assert_eq!(suggest("nodeselector", fields), Some("nodeSelector"));
        assert_eq!(suggest("NodeSelector", fields), Some("nodeSelector"));
        assert_eq!(suggest("toleration", fields), Some("tolerations"));
        assert_eq!(suggest("tolerashuns", fields), Some("tolerations"));
        assert_eq!(suggest("restart_policy", fields), Some("restartPolicy"));
        assert_eq!(suggest("host_network", fields), Some("hostNetwork"));
        assert_eq!(suggest("banana", fields), None);
        assert_eq!(suggest("x", fields), None);
        assert_eq!(suggest("nodeSelector", fields), None, "an exact match needs no suggestion");
        assert_eq!(suggest("anything", []), None);
    }
}
