//! The rules Kubernetes has for values: quantities (never negative in a pod, and the suspicious
//! ones), enum values, the range of `int32`, label keys and values, annotation keys, DNS names,
//! environment variable names, durations, a toleration that is `Exists` with a value, and
//! requests within limits.
//!
//! Each rule is written once, here, on plain values or on a merge tree ([`Node`]), and says what
//! it found as a [`Finding`] tagged with an origin the caller chose. The semantic layer calls the
//! same rules for a body it checks and for a node's merged pod, and turns a finding into its own
//! diagnostic (a span, a fix written in skiff). Nothing here knows skiff's syntax.

use std::fmt;

use crate::codes;
use crate::duration::{Duration, parse_duration, suggest_duration};
use crate::merge::Node;
use crate::names;
use crate::quantity::{memory_hint, parse_quantity, suggest_quantity};
use crate::schema::{Kind, TypeId, schema};
use crate::tables::{self, NameRule, StringMapRule};

/// What a rule found wrong with a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding<O> {
    /// One of [`crate::codes`].
    pub code: &'static str,
    /// A likely mistake rather than a certain one (`memory: 512m`).
    pub warning: bool,
    /// The value at fault.
    pub origin: O,
    pub message: String,
    pub help: Option<String>,
    /// Other values the finding points at (`the limit`).
    pub labels: Vec<(O, String)>,
    pub fix: Option<Suggestion>,
}

/// A change that makes the value right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// What the fix does: "use `8Gi`".
    pub message: String,
    pub replacement: Replacement,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Replacement {
    /// The value (or key) as plain text, to be written the way the original was: quoted when it
    /// was a string, bare when it was a unit literal or a number.
    Text(String),
    /// Remove the field that holds the value.
    Remove,
}

impl<O> Finding<O> {
    fn new(code: &'static str, origin: O, message: String) -> Self {
        Finding { code, warning: false, origin, message, help: None, labels: Vec::new(), fix: None }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn fix(mut self, message: String, text: String) -> Self {
        self.fix = Some(Suggestion { message, replacement: Replacement::Text(text) });
        self
    }
}

/// A quantity written as `text`, for `what` ("`memory` in `limits`"); `resource` is the map key
/// when the quantity is a map entry (`memory`), which decides whether it counts bytes.
pub fn quantity<O>(text: &str, what: impl fmt::Display, resource: Option<&str>, at: O) -> Option<Finding<O>> {
    match parse_quantity(text) {
        // Every quantity of a pod (resources, overhead, `sizeLimit`) must be at least zero: the
        // API server's `ValidateNonnegativeQuantity`.
        Ok(q) if q.compare(crate::Quantity::from_int(0)).is_lt() => {
            let positive = text.trim_start_matches('-');
            let finding = Finding::new(
                codes::INVALID_QUANTITY,
                at,
                format!("invalid quantity `{text}` for {what}: a quantity in a pod cannot be negative"),
            );
            Some(match parse_quantity(positive) {
                Ok(_) => finding
                    .help(format!("did you mean `{positive}`? (the API server refuses a negative quantity)"))
                    .fix(format!("use `{positive}`"), positive.to_owned()),
                Err(_) => finding.help("the API server refuses a negative quantity"),
            })
        }
        Ok(_) => {
            let key = resource?;
            if !(key == "memory" || key == "ephemeral-storage" || key.starts_with("hugepages-")) {
                return None;
            }
            let (message, replacement) = memory_hint(text)?;
            let mut finding = Finding::new(codes::SUSPICIOUS_QUANTITY, at, message);
            finding.warning = true;
            finding = finding.help(format!("`{key}` is counted in bytes"));
            if let Some(replacement) = replacement {
                finding = finding.fix(format!("use `{replacement}`"), replacement);
            }
            Some(finding)
        }
        Err(error) => {
            let finding =
                Finding::new(codes::INVALID_QUANTITY, at, format!("invalid quantity `{text}` for {what}: {error}"));
            Some(match suggest_quantity(text) {
                Some(suggestion) => {
                    let help = match binary_alternative(&suggestion) {
                        Some(binary) => format!(
                            "did you mean `{suggestion}`? (decimal: `{}` is 10^{}; write `{binary}` for the binary unit)",
                            &suggestion[suggestion.len() - 1..],
                            decimal_power(&suggestion),
                        ),
                        None => format!("did you mean `{suggestion}`?"),
                    };
                    finding.help(help).fix(format!("use `{suggestion}`"), suggestion)
                }
                None => finding
                    .help("a quantity is a number with an optional suffix: `500m`, `2`, `1.5`, `8Gi`, `100M`, `1e3`"),
            })
        }
    }
}

/// For a decimal suggestion made from a byte unit (`8G` from `8GB`), the binary spelling.
fn binary_alternative(suggestion: &str) -> Option<String> {
    let last = suggestion.chars().last()?;
    if !"kMGTPE".contains(last) {
        return None;
    }
    let binary = format!("{}{}i", &suggestion[..suggestion.len() - 1], last.to_ascii_uppercase());
    parse_quantity(&binary).is_ok().then_some(binary)
}

fn decimal_power(suggestion: &str) -> u32 {
    match suggestion.chars().last() {
        Some('k') => 3,
        Some('M') => 6,
        Some('G') => 9,
        Some('T') => 12,
        Some('P') => 15,
        _ => 18,
    }
}

/// An integer `n` for `what` at a position of type `ty`: an `int32` (or an int-or-string) must
/// fit in 32 bits.
pub fn integer<O>(n: i64, ty: TypeId, what: impl fmt::Display, at: O) -> Option<Finding<O>> {
    let s = schema();
    let is_int32 = s.info(ty).format.as_deref() == Some("int32") || matches!(s.kind(ty), Kind::IntOrString);
    (is_int32 && i32::try_from(n).is_err()).then(|| {
        Finding::new(codes::INTEGER_OUT_OF_RANGE, at, format!("{what} is a 32-bit integer; {n} is out of range"))
    })
}

/// The string `text` as field `field` of the object type `owner`: its enum values and its name
/// rule (DNS-1123 labels and subdomains).
pub fn string<O: Copy>(owner: TypeId, field: &str, text: &str, at: O) -> Vec<Finding<O>> {
    let owner_name = schema().type_name(owner);
    let mut findings = Vec::new();
    if let Some(allowed) = tables::enum_values(owner, field)
        && !allowed.contains(&text)
    {
        let listed: Vec<String> =
            allowed.iter().map(|v| if v.is_empty() { "`\"\"`".to_owned() } else { format!("`{v}`") }).collect();
        let finding =
            Finding::new(codes::INVALID_ENUM_VALUE, at, format!("`{text}` is not a valid `{field}` of {owner_name}"));
        let suggestion = allowed
            .iter()
            .find(|v| v.eq_ignore_ascii_case(text))
            .copied()
            .or_else(|| names::suggest(text, allowed.iter().copied().filter(|v| !v.is_empty())));
        findings.push(match suggestion {
            Some(suggestion) => finding
                .help(format!("did you mean `{suggestion}`? (one of {})", listed.join(", ")))
                .fix(format!("use `{suggestion}`"), suggestion.to_owned()),
            None => finding.help(format!("expected one of {}", listed.join(", "))),
        });
    }
    if field == "image"
        && matches!(owner_name.as_str(), "Container" | "EphemeralContainer")
        && let Err(why) = names::check_image_reference(text)
    {
        findings.push(
            Finding::new(codes::INVALID_IMAGE, at, format!("`{text}` is not an image reference: {why}"))
                .help("write `[registry/]repository[:tag][@sha256:digest]`, as `ghcr.io/acme/train:1.4`"),
        );
    }
    if field == "name"
        && owner_name == "EnvVar"
        && let Some(finding) = env_var_name(text, at)
    {
        findings.push(finding);
    }
    if let Some(rule) = tables::name_rule(owner, field) {
        let (check, fixed, rule_name) = match rule {
            NameRule::Dns1123Label => {
                (names::check_dns1123_label(text), names::to_dns1123_label(text), "DNS-1123 label")
            }
            NameRule::Dns1123Subdomain => {
                (names::check_dns1123_subdomain(text), names::sanitize_dns1123_subdomain(text), "DNS-1123 subdomain")
            }
        };
        if let Err(why) = check {
            let mut finding = Finding::new(codes::INVALID_NAME, at, format!("invalid name `{text}`: {why}"))
                .help(format!("Kubernetes requires `{owner_name}.{field}` to be a {rule_name}"));
            let fixed_ok = match rule {
                NameRule::Dns1123Label => names::is_dns1123_label(&fixed),
                NameRule::Dns1123Subdomain => names::is_dns1123_subdomain(&fixed),
            };
            if fixed_ok && fixed != text {
                finding = finding.fix(format!("use `{fixed}`"), fixed);
            }
            findings.push(finding);
        }
    }
    findings
}

/// The name of an environment variable (`env`'s `name`), as the API server validates it since
/// Kubernetes 1.34 (`RelaxedEnvironmentVariableValidation`, on by default from 1.32): not empty,
/// printable ASCII only (a space included), and no `=`. The older rule, a C identifier with `-`
/// and `.`, no longer applies.
pub fn env_var_name<O>(name: &str, at: O) -> Option<Finding<O>> {
    if name.is_empty() {
        return Some(
            Finding::new(codes::INVALID_ENV_NAME, at, "an environment variable name cannot be empty".to_owned())
                .help("name the variable, as `DATA_DIR`"),
        );
    }
    let allowed = |c: char| (' '..='~').contains(&c) && c != '=';
    let bad = name.chars().find(|&c| !allowed(c))?;
    let why = match bad {
        '=' => "`=` separates a name from its value".to_owned(),
        c if c.is_ascii_control() => format!("the control character {}", c.escape_default()),
        c => format!("`{c}` is not ASCII"),
    };
    let mut finding = Finding::new(
        codes::INVALID_ENV_NAME,
        at,
        format!("invalid environment variable name `{}`: {why}", name.escape_debug()),
    )
    .help("an environment variable name holds printable ASCII characters other than `=`");
    let fixed: String = name.chars().map(|c| if allowed(c) { c } else { '_' }).collect();
    if fixed.trim() == fixed {
        finding = finding.fix(format!("use `{fixed}`"), fixed);
    }
    Some(finding)
}

/// A key of a string map with a rule (`labels`, `nodeSelector`, `annotations`).
pub fn map_key<O>(rule: StringMapRule, key: &str, at: O) -> Option<Finding<O>> {
    let (code, what) = match rule {
        StringMapRule::Labels => (codes::INVALID_LABEL_KEY, "label key"),
        StringMapRule::Annotations => (codes::INVALID_ANNOTATION_KEY, "annotation key"),
        StringMapRule::ResourceNames => return resource_name(key, at),
    };
    let why = names::check_label_key(key).err()?;
    let mut finding = Finding::new(code, at, format!("invalid {what} `{key}`: {why}"));
    let fixed = match key.split_once('/') {
        Some((prefix, name)) => {
            names::to_label_value(name).map(|n| format!("{}/{n}", names::sanitize_dns1123_subdomain(prefix)))
        }
        None => names::to_label_value(key),
    };
    if let Some(fixed) = fixed.filter(|f| names::is_label_key(f) && f != key) {
        finding = finding.fix(format!("use `{fixed}`"), fixed);
    }
    Some(finding)
}

/// A container's resource name: a standard one (`cpu`, `memory`, `ephemeral-storage`,
/// `hugepages-<size>`) or an extended one, which has a domain (`nvidia.com/gpu`), as the API
/// server requires (`must be a standard resource for containers`).
pub fn resource_name<O>(key: &str, at: O) -> Option<Finding<O>> {
    const STANDARD: &[&str] = &["cpu", "memory", "ephemeral-storage"];
    if STANDARD.contains(&key) || key.strip_prefix("hugepages-").is_some_and(|size| crate::parse_quantity(size).is_ok())
    {
        return None;
    }
    let message = match key.split_once('/') {
        None => format!(
            "`{key}` is not a resource name: a container's resources are `cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`, or an extended resource with a domain"
        ),
        Some((domain, _)) if domain == "kubernetes.io" || domain.ends_with(".kubernetes.io") => {
            format!(
                "`{key}` is not a resource name: `kubernetes.io` names are Kubernetes' own, and only `cpu`, `memory`, `ephemeral-storage` and `hugepages-<size>` are a container's"
            )
        }
        Some(_) if key.starts_with("requests.") => {
            format!("`{key}` is not a resource name: `requests.` belongs to quotas")
        }
        Some(_) => match names::check_label_key(key) {
            Ok(()) => return None,
            Err(why) => format!("`{key}` is not a resource name: {why}"),
        },
    };
    let mut finding = Finding::new(codes::INVALID_RESOURCE_NAME, at, message)
        .help("an extended resource is named with its vendor's domain, as `nvidia.com/gpu` or `example.com/widget`");
    if key == "gpu" {
        finding = finding.fix("use `nvidia.com/gpu`".to_owned(), "nvidia.com/gpu".to_owned());
    }
    Some(finding)
}

/// A value of a map of labels (`labels`, `nodeSelector`, `matchLabels`).
pub fn label_value<O>(text: &str, at: O) -> Option<Finding<O>> {
    let why = names::check_label_value(text).err()?;
    let mut finding = Finding::new(codes::INVALID_LABEL_VALUE, at, format!("invalid label value `{text}`: {why}"));
    if let Some(fixed) = names::to_label_value(text).filter(|f| f != text) {
        finding = finding.fix(format!("use `{fixed}`"), fixed);
    }
    Some(finding)
}

/// What a toleration's `value` holds, as far as the rule below cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TolerationValue<'a> {
    /// A string (empty is as good as none).
    Text(&'a str),
    /// Nothing known: `null`, or a value only known later.
    Unknown,
    /// Anything else: a number, a list, ...
    Other,
}

/// A toleration with `operator: "Exists"` and a non-empty `value`: `value_at` is the `value`
/// field, `operator_at` the operator's value.
pub fn toleration<O>(operator: &str, value: TolerationValue<'_>, value_at: O, operator_at: O) -> Option<Finding<O>> {
    let empty = match value {
        TolerationValue::Text(text) => text.is_empty(),
        TolerationValue::Unknown => true,
        TolerationValue::Other => false,
    };
    if operator != "Exists" || empty {
        return None;
    }
    let mut finding = Finding::new(
        codes::TOLERATION_EXISTS_WITH_VALUE,
        value_at,
        "a toleration with `operator: \"Exists\"` cannot have a `value`".to_owned(),
    )
    .help("remove `value`, or use `operator: \"Equal\"` to match this value only");
    finding.labels.push((operator_at, "`Exists` matches every value of the key".to_owned()));
    finding.fix = Some(Suggestion { message: "remove `value`".to_owned(), replacement: Replacement::Remove });
    Some(finding)
}

/// A duration written as `text` (skiff's `timeout`): the duration, or why it is not one.
// A finding is made once per bad value, on the error path; boxing it would buy nothing.
#[allow(clippy::result_large_err)]
pub fn duration<O>(text: &str, at: O) -> Result<Duration, Finding<O>> {
    parse_duration(text).map_err(|error| {
        let finding = Finding::new(codes::INVALID_DURATION, at, format!("invalid duration `{text}`: {error}"));
        match suggest_duration(text) {
            Some(fixed) => finding.help(format!("did you mean `{fixed}`?")).fix(format!("write `{fixed}`"), fixed),
            None => finding,
        }
    })
}

/// A duration written as a bare integer: which unit is meant is a guess, seconds the likeliest.
pub fn duration_without_unit<O>(n: i64, at: O) -> Finding<O> {
    Finding::new(
        codes::INVALID_DURATION,
        at,
        format!("a duration needs a unit: `{n}` could be seconds, minutes or hours"),
    )
    .help("for example `30s`, `15m`, `2h` or `1h30m`")
    .fix(format!("read `{n}` as seconds"), format!("{n}s"))
}

/// A request above the limit for the same resource, in one `ResourceRequirements`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestAboveLimit<O> {
    pub resource: String,
    pub request: String,
    pub limit: String,
    pub request_at: O,
    pub limit_at: O,
}

/// Every request of `resources` (a `ResourceRequirements` tree: `{requests, limits}`) above
/// its limit. Values that are not quantities are left to their own rule.
pub fn requests_above_limits<O: Copy>(resources: &Node<O>) -> Vec<RequestAboveLimit<O>> {
    let quantities = |name: &str| resources.get_path(&[name]).and_then(Node::as_map);
    let (Some(requests), Some(limits)) = (quantities("requests"), quantities("limits")) else { return Vec::new() };
    let parse = |n: &Node<O>| n.as_str().and_then(|s| parse_quantity(s).ok());
    let mut found = Vec::new();
    for (resource, request) in requests {
        let Some(limit) = limits.get(resource) else { continue };
        let (Some(r), Some(l)) = (parse(request), parse(limit)) else { continue };
        if r.compare(l).is_gt() {
            found.push(RequestAboveLimit {
                resource: resource.to_string(),
                request: request.as_str().unwrap_or_default().to_owned(),
                limit: limit.as_str().unwrap_or_default().to_owned(),
                request_at: request.origin,
                limit_at: limit.origin,
            });
        }
    }
    found
}

impl<O: Copy> RequestAboveLimit<O> {
    /// The finding for a body, where the resources are one container's and need no naming.
    pub fn finding(&self) -> Finding<O> {
        let (resource, request, limit) = (&self.resource, &self.request, &self.limit);
        let mut finding = Finding::new(
            codes::REQUESTS_EXCEED_LIMITS,
            self.request_at,
            format!("the request for `{resource}` ({request}) is above its limit ({limit})"),
        )
        .help("Kubernetes rejects a request above the limit: raise the limit or lower the request");
        finding.labels.push((self.limit_at, "the limit".to_owned()));
        finding
    }

    /// The finding for a merged pod, which has several containers: this one is `container`.
    pub fn finding_in(&self, container: &str) -> Finding<O> {
        let (resource, request, limit) = (&self.resource, &self.request, &self.limit);
        Finding::new(
            codes::REQUESTS_EXCEED_LIMITS,
            self.request_at,
            format!("container `{container}` requests {request} of `{resource}` but its limit is {limit}"),
        )
        .help("the API server refuses a request above its limit: raise the limit or lower the request")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_above_its_limit_is_found_with_both_origins() {
        let json =
            serde_json::json!({"requests": {"cpu": "2", "memory": "1Gi"}, "limits": {"cpu": "1500m", "memory": "2Gi"}});
        let mut tree: Node<u32> = Node::from_json(&json, 0);
        if let Some(fields) = tree.value.map_mut() {
            fields["limits"].value = Node::from_json(&json["limits"], 7).value;
        }
        let found = requests_above_limits(&tree);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].resource.as_str(), found[0].request.as_str(), found[0].limit.as_str()),
            ("cpu", "2", "1500m")
        );
        assert_eq!((found[0].request_at, found[0].limit_at), (0, 7));
        let finding = found[0].finding();
        assert_eq!(finding.message, "the request for `cpu` (2) is above its limit (1500m)");
        assert_eq!(finding.code, codes::REQUESTS_EXCEED_LIMITS);
    }

    #[test]
    fn suggestions_are_plain_values() {
        let finding = quantity("8GB", "`memory` in `limits`", Some("memory"), ()).expect("invalid");
        assert_eq!(finding.fix.map(|f| f.replacement), Some(Replacement::Text("8G".into())));
        let warning = quantity("512m", "`memory` in `limits`", Some("memory"), ()).expect("suspicious");
        assert!(warning.warning);
        assert_eq!(quantity("512m", "`cpu` in `limits`", Some("cpu"), ()), None);
        let label = label_value("a b", ()).expect("invalid");
        assert_eq!(label.fix.map(|f| f.replacement), Some(Replacement::Text("a-b".into())));
    }
}
