//! Policy checks of a merged pod: what Kubernetes accepts but a reviewer should not, the anchor
//! set of kube-linter's and Polaris's defaults. A privileged container, a container that may
//! gain privileges, a dangerous added capability, the node's network, PID or IPC namespace, a
//! `hostPath` volume, an image without a pinned tag, a container without a memory limit or a
//! CPU request, a container that may run as root.
//!
//! Each check reads a `PodTemplateSpec` tree (`{metadata, spec}`) and reports a [`Finding`] at
//! the origin of the value at fault; a finding about something missing (no memory limit) is
//! reported at the container's `image`, the line that makes the container. Which checks are on
//! and how loud is not decided here: that is the project's choice, in `skiff-sema`.

use crate::merge::{Node, Value};
use crate::rules::{Finding, Replacement, Suggestion};

/// The codes of the policy checks (documented in `docs/diagnostics.md`, "Policy lints").
pub mod codes {
    /// `securityContext.privileged: true`.
    pub const PRIVILEGED_CONTAINER: &str = "privileged-container";
    /// `securityContext.allowPrivilegeEscalation: true`.
    pub const PRIVILEGE_ESCALATION: &str = "privilege-escalation";
    /// `securityContext.capabilities.add` holds `SYS_ADMIN`, `NET_ADMIN` or `ALL`.
    pub const DANGEROUS_CAPABILITY: &str = "dangerous-capability";
    /// `hostNetwork: true`.
    pub const HOST_NETWORK: &str = "host-network";
    /// `hostPID: true`.
    pub const HOST_PID: &str = "host-pid";
    /// `hostIPC: true`.
    pub const HOST_IPC: &str = "host-ipc";
    /// A `hostPath` volume.
    pub const HOST_PATH: &str = "host-path";
    /// An image with the tag `latest` and no digest.
    pub const LATEST_TAG: &str = "latest-tag";
    /// An image with no tag and no digest (the runtime pulls `latest`).
    pub const UNTAGGED_IMAGE: &str = "untagged-image";
    /// A container without `resources.limits.memory`.
    pub const MISSING_MEMORY_LIMIT: &str = "missing-memory-limit";
    /// A container without `resources.requests.cpu` (nor a CPU limit it would default to).
    pub const MISSING_CPU_REQUEST: &str = "missing-cpu-request";
    /// A container that runs as user 0, or does not say it runs as another.
    pub const RUN_AS_ROOT: &str = "run-as-root";

    /// Every policy code.
    pub const ALL: &[&str] = &[
        PRIVILEGED_CONTAINER,
        PRIVILEGE_ESCALATION,
        DANGEROUS_CAPABILITY,
        HOST_NETWORK,
        HOST_PID,
        HOST_IPC,
        HOST_PATH,
        LATEST_TAG,
        UNTAGGED_IMAGE,
        MISSING_MEMORY_LIMIT,
        MISSING_CPU_REQUEST,
        RUN_AS_ROOT,
    ];
}

/// Capabilities that give a container the node: `SYS_ADMIN` is nearly root (mounts, namespaces),
/// `NET_ADMIN` rewrites the node's network when combined with the host network and the pod's
/// otherwise, `ALL` is every one of them (Polaris's `dangerousCapabilities`).
pub const DANGEROUS_CAPABILITIES: &[&str] = &["SYS_ADMIN", "NET_ADMIN", "ALL"];

/// A capability as the runtime reads it: case-insensitive, with or without `CAP_`.
pub fn capability_name(text: &str) -> String {
    let upper = text.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").map_or(upper.clone(), str::to_owned)
}

/// How an image reference names its version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageVersion {
    /// A tag other than `latest`, or a digest (`@sha256:...`), which pins the image whatever
    /// the tag; or a skiff placeholder, decided at build time.
    Pinned,
    /// The tag `latest`.
    Latest,
    /// No tag and no digest: the runtime pulls `latest`.
    Untagged,
}

/// How `image` names its version. A tag follows the last `:` of the last path segment, so
/// `registry:5000/app` has none.
pub fn image_version(image: &str) -> ImageVersion {
    if image.contains('@') || image.contains("{{") || image.trim().is_empty() {
        return ImageVersion::Pinned;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, "latest")) => ImageVersion::Latest,
        Some(_) => ImageVersion::Pinned,
        None => ImageVersion::Untagged,
    }
}

/// The findings of the checks a caller wants.
struct Findings<'a, O> {
    out: Vec<Finding<O>>,
    enabled: &'a dyn Fn(&str) -> bool,
}

impl<O> Findings<'_, O> {
    fn wants(&self, code: &str) -> bool {
        (self.enabled)(code)
    }

    fn push(&mut self, finding: Finding<O>) {
        if self.wants(finding.code) {
            self.out.push(finding);
        }
    }
}

/// The policy findings of a `PodTemplateSpec` tree of the checks `enabled` names, in the pod's
/// order: pod-level fields, then each container (init containers first). A check not enabled
/// costs nothing: what is missing is found on every pod, and a message is a string.
pub fn pod_findings<O: Copy>(pod: &Node<O>, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding<O>> {
    let mut out = Findings { out: Vec::new(), enabled };
    let Some(spec) = pod.get_path(&["spec"]) else { return out.out };
    for (field, code, what) in [
        ("hostNetwork", codes::HOST_NETWORK, "the node's network namespace: it sees and binds the node's interfaces"),
        ("hostPID", codes::HOST_PID, "the node's process namespace: it sees and can signal every process on the node"),
        ("hostIPC", codes::HOST_IPC, "the node's IPC namespace: it shares memory with every process on the node"),
    ] {
        if let Some(node) = spec.get_path(&[field])
            && is_true(node)
        {
            out.push(
                finding(code, node.origin, format!("`{field}: true` gives the pod {what}"))
                    .help(format!(
                        "a batch pod rarely needs this; remove `{field}` (a node agent that does can allow it here)"
                    ))
                    .set_false(field),
            );
        }
    }
    for volume in spec.get_path(&["volumes"]).and_then(Node::as_list).unwrap_or_default() {
        if let Some(host_path) = volume.get_path(&["hostPath"]) {
            let name = volume.get_path(&["name"]).and_then(Node::as_str).unwrap_or("?");
            let path = host_path.get_path(&["path"]).and_then(Node::as_str).unwrap_or("?");
            let at = host_path.get_path(&["path"]).map_or(host_path.origin, |p| p.origin);
            out.push(
                finding(
                    codes::HOST_PATH,
                    at,
                    format!("volume `{name}` mounts `{path}` of the node (`hostPath`)"),
                )
                .help("a hostPath volume reads or writes the node's files, and ties the pod to one node's layout; use an `emptyDir`, a ConfigMap or a PersistentVolumeClaim"),
            );
        }
    }
    let pod_security = spec.get_path(&["securityContext"]);
    for list in ["initContainers", "containers"] {
        for container in spec.get_path(&[list]).and_then(Node::as_list).unwrap_or_default() {
            container_findings(container, pod_security, &mut out);
        }
    }
    out.out
}

fn container_findings<O: Copy>(container: &Node<O>, pod_security: Option<&Node<O>>, out: &mut Findings<'_, O>) {
    let name = container.get_path(&["name"]).and_then(Node::as_str).unwrap_or("?");
    let image = container.get_path(&["image"]);
    // What is missing is reported where the container is made: its image.
    let made_at = image.map_or(container.origin, |i| i.origin);
    let security = container.get_path(&["securityContext"]);
    let privileged = security.and_then(|s| s.get_path(&["privileged"])).filter(|n| is_true(n));
    if let Some(node) = privileged {
        out.push(
            finding(
                codes::PRIVILEGED_CONTAINER,
                node.origin,
                format!("container `{name}` is privileged: it has every device and capability of the node"),
            )
            .help("a privileged container is root on the node; add only the capabilities it needs (`capabilities.add`)")
            .set_false("privileged"),
        );
    }
    if let Some(node) = security.and_then(|s| s.get_path(&["allowPrivilegeEscalation"]))
        && is_true(node)
        && privileged.is_none()
    {
        out.push(
            finding(
                codes::PRIVILEGE_ESCALATION,
                node.origin,
                format!("container `{name}` allows privilege escalation: a setuid binary in it can become root"),
            )
            .help("set `allowPrivilegeEscalation: false` unless the program must gain privileges")
            .set_false("allowPrivilegeEscalation"),
        );
    }
    let added = security.and_then(|s| s.get_path(&["capabilities", "add"])).and_then(Node::as_list);
    for capability in added.unwrap_or_default() {
        let Some(text) = capability.as_str() else { continue };
        let normalized = capability_name(text);
        if DANGEROUS_CAPABILITIES.contains(&normalized.as_str()) {
            out.push(
                finding(
                    codes::DANGEROUS_CAPABILITY,
                    capability.origin,
                    format!("container `{name}` adds the capability `{normalized}`"),
                )
                .help(match normalized.as_str() {
                    "ALL" => "`ALL` is every capability, as good as privileged; add the few the program needs",
                    "SYS_ADMIN" => {
                        "`SYS_ADMIN` is nearly root (mounts, namespaces, devices); add a narrower capability"
                    }
                    _ => "`NET_ADMIN` changes interfaces, routes and firewall rules; add it only to a network agent",
                }),
            );
        }
    }
    if let Some(node) = image
        && let Some(text) = node.as_str()
    {
        let (code, said) = match image_version(text) {
            ImageVersion::Pinned => ("", ""),
            ImageVersion::Latest => (codes::LATEST_TAG, "the tag `latest`"),
            ImageVersion::Untagged => (codes::UNTAGGED_IMAGE, "no tag, so `latest`"),
        };
        if !code.is_empty() {
            out.push(
                finding(
                    code,
                    node.origin,
                    format!("container `{name}` runs `{text}`: {said}, whatever it is when the pod starts"),
                )
                .help(
                    "pin a version tag (`app:1.4`) or a digest (`app@sha256:...`), so that a rerun runs the same code",
                ),
            );
        }
    }
    let resources = container.get_path(&["resources"]);
    let has = |group: &str, resource: &str| resources.and_then(|r| r.get_path(&[group, resource])).is_some();
    if out.wants(codes::MISSING_MEMORY_LIMIT) && !has("limits", "memory") {
        out.push(
            finding(codes::MISSING_MEMORY_LIMIT, made_at, format!("container `{name}` has no memory limit"))
                .help("without `resources.limits.memory` a leak takes the node's memory and other pods are evicted"),
        );
    }
    // Kubernetes copies a CPU limit into a missing request.
    if out.wants(codes::MISSING_CPU_REQUEST) && !has("requests", "cpu") && !has("limits", "cpu") {
        out.push(
            finding(codes::MISSING_CPU_REQUEST, made_at, format!("container `{name}` has no CPU request"))
                .help("without `resources.requests.cpu` the scheduler counts the container as free and packs nodes past what they hold"),
        );
    }
    if out.wants(codes::RUN_AS_ROOT) {
        run_as_root(name, security, pod_security, made_at, out);
    }
}

/// The container's user: its own `runAsUser` and `runAsNonRoot` over the pod's.
fn run_as_root<O: Copy>(
    name: &str,
    security: Option<&Node<O>>,
    pod_security: Option<&Node<O>>,
    made_at: O,
    out: &mut Findings<'_, O>,
) {
    let field =
        |key: &str| security.and_then(|s| s.get_path(&[key])).or_else(|| pod_security.and_then(|s| s.get_path(&[key])));
    let help =
        "set `runAsNonRoot: true` and a `runAsUser` other than 0 (in the container's or the pod's `securityContext`)";
    match field("runAsUser") {
        Some(user) if matches!(user.value, Value::Int(0)) => {
            out.push(
                finding(codes::RUN_AS_ROOT, user.origin, format!("container `{name}` runs as root (`runAsUser: 0`)"))
                    .help(help),
            );
        }
        Some(user) if matches!(user.value, Value::Int(_)) => {}
        _ => match field("runAsNonRoot") {
            Some(node) if is_true(node) => {}
            Some(node) => out.push(
                finding(
                    codes::RUN_AS_ROOT,
                    node.origin,
                    format!("container `{name}` may run as root (`runAsNonRoot: false`)"),
                )
                .help(help),
            ),
            None => out.push(
                finding(
                    codes::RUN_AS_ROOT,
                    made_at,
                    format!("container `{name}` runs as its image's user, which may be root"),
                )
                .help(help),
            ),
        },
    }
}

fn is_true<O>(node: &Node<O>) -> bool {
    matches!(node.value, Value::Bool(true))
}

fn finding<O>(code: &'static str, origin: O, message: String) -> Finding<O> {
    Finding { code, warning: true, origin, message, help: None, labels: Vec::new(), fix: None }
}

trait Build: Sized {
    fn help(self, help: impl Into<String>) -> Self;
    fn set_false(self, field: &str) -> Self;
}

impl<O> Build for Finding<O> {
    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// The value at fault is `true`; the fix writes `false`.
    fn set_false(mut self, field: &str) -> Self {
        self.fix = Some(Suggestion {
            message: format!("set `{field}: false`"),
            replacement: Replacement::Text("false".to_owned()),
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod(json: serde_json::Value) -> Node<u32> {
        Node::from_json(&json, 0)
    }

    fn codes_of(findings: &[Finding<u32>]) -> Vec<&'static str> {
        findings.iter().map(|f| f.code).collect()
    }

    /// A pod every default check passes: a tagged image, limits, a non-root user.
    fn quiet_container() -> serde_json::Value {
        serde_json::json!({
            "name": "main", "image": "ghcr.io/acme/train:1.4",
            "resources": {"requests": {"cpu": "1"}, "limits": {"memory": "1Gi"}},
            "securityContext": {"runAsNonRoot": true}
        })
    }

    #[test]
    fn a_careful_pod_has_no_finding() {
        let tree = pod(serde_json::json!({"spec": {"containers": [quiet_container()]}}));
        assert_eq!(codes_of(&pod_findings(&tree, &|_| true)), Vec::<&str>::new());
    }

    #[test]
    fn only_the_checks_asked_for_run() {
        let tree = pod(serde_json::json!({"spec": {"hostPID": true, "containers": [{"name": "a", "image": "a"}]}}));
        let only = |code: &'static str| move |c: &str| c == code;
        assert_eq!(codes_of(&pod_findings(&tree, &only(codes::HOST_PID))), [codes::HOST_PID]);
        assert_eq!(codes_of(&pod_findings(&tree, &only(codes::RUN_AS_ROOT))), [codes::RUN_AS_ROOT]);
        assert_eq!(pod_findings(&tree, &|_| false).len(), 0);
    }

    #[test]
    fn each_risk_is_found() {
        let mut container = quiet_container();
        container["securityContext"] = serde_json::json!({
            "privileged": true, "allowPrivilegeEscalation": true, "runAsUser": 0,
            "capabilities": {"add": ["cap_sys_admin", "NET_RAW", "NET_ADMIN"]}
        });
        container["image"] = serde_json::json!("busybox:latest");
        container["resources"] = serde_json::json!({});
        let tree = pod(serde_json::json!({"spec": {
            "hostNetwork": true, "hostPID": false, "hostIPC": true,
            "volumes": [{"name": "root", "hostPath": {"path": "/"}}, {"name": "scratch", "emptyDir": {}}],
            "containers": [container]
        }}));
        assert_eq!(
            codes_of(&pod_findings(&tree, &|_| true)),
            [
                codes::HOST_NETWORK,
                codes::HOST_IPC,
                codes::HOST_PATH,
                // Privileged already says all that escalation would.
                codes::PRIVILEGED_CONTAINER,
                codes::DANGEROUS_CAPABILITY,
                codes::DANGEROUS_CAPABILITY,
                codes::LATEST_TAG,
                codes::MISSING_MEMORY_LIMIT,
                codes::MISSING_CPU_REQUEST,
                codes::RUN_AS_ROOT,
            ]
        );
    }

    #[test]
    fn image_tags_are_read_as_the_runtime_reads_them() {
        use ImageVersion::*;
        for (image, version) in [
            ("busybox", Untagged),
            ("busybox:latest", Latest),
            ("busybox:1.36", Pinned),
            ("registry:5000/team/app", Untagged),
            ("registry:5000/team/app:latest", Latest),
            ("registry:5000/team/app:2", Pinned),
            ("app@sha256:0123", Pinned),
            ("app:latest@sha256:0123", Pinned),
            ("ghcr.io/acme/{{inputs.image}}", Pinned),
        ] {
            assert_eq!(image_version(image), version, "{image}");
        }
    }

    #[test]
    fn a_pod_user_covers_its_containers_and_a_cpu_limit_is_a_request() {
        let tree = pod(serde_json::json!({"spec": {
            "securityContext": {"runAsUser": 1000},
            "containers": [{"name": "a", "image": "a:1", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}]
        }}));
        assert_eq!(codes_of(&pod_findings(&tree, &|_| true)), Vec::<&str>::new());
    }
}
