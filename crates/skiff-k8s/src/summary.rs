//! A pod in one line, for people: where it may run (its `nodeSelector`), the GPUs it asks for,
//! its primary container's memory limit and image. The editors show it above each call (a code
//! lens) so that the pool, the GPUs and the image of every node can be read without opening it.
//!
//! It reads a merged tree (a `PodTemplateSpec`, `{metadata, spec}`) and decides nothing: a
//! field that is absent is said to be absent, and a value is shown as written.

use crate::merge::{Node, Value};

/// The facts of [`summarize`], each `None` (or empty) when the pod does not set it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodSummary {
    /// `nodeSelector`, in the pod's order.
    pub node_selector: Vec<(String, String)>,
    /// The GPUs the pod's containers are limited to, summed over them: `nvidia.com/gpu`,
    /// `amd.com/gpu`, `gpu.intel.com/*` and any other `*/gpu` extended resource.
    pub gpus: Option<i64>,
    /// The primary container's `resources.limits.memory`, as written.
    pub memory_limit: Option<String>,
    /// The primary container's image, its registry and repository path left out:
    /// `ghcr.io/acme/train:1.4` is `train:1.4`, a digest is cut to 12 characters.
    pub image: Option<String>,
}

impl std::fmt::Display for PodSummary {
    /// `gpu-type=nvidia-a100 · 1 GPU · 32Gi memory · train:1.4`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.node_selector.is_empty() {
            f.write_str("any node")?;
        } else {
            let pairs: Vec<String> = self.node_selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
            f.write_str(&pairs.join(","))?;
        }
        match self.gpus {
            None | Some(0) => f.write_str(" · no GPU")?,
            Some(1) => f.write_str(" · 1 GPU")?,
            Some(n) => write!(f, " · {n} GPUs")?,
        }
        match &self.memory_limit {
            Some(memory) => write!(f, " · {memory} memory")?,
            None => f.write_str(" · no memory limit")?,
        }
        match &self.image {
            Some(image) => write!(f, " · {image}"),
            None => f.write_str(" · no image"),
        }
    }
}

/// The summary of a pod template's tree whose primary container is named `primary`.
pub fn summarize<O>(tree: &Node<O>, primary: &str) -> PodSummary {
    let spec = tree.get_path(&["spec"]);
    let node_selector = spec
        .and_then(|s| s.get_path(&["nodeSelector"]))
        .and_then(Node::as_map)
        .map(|map| map.iter().map(|(k, v)| (k.to_string(), scalar_text(v).unwrap_or_default())).collect())
        .unwrap_or_default();
    let containers = spec.and_then(|s| s.get_path(&["containers"])).and_then(Node::as_list).unwrap_or_default();
    let mut gpus = None;
    for container in containers {
        let Some(limits) = container.get_path(&["resources", "limits"]).and_then(Node::as_map) else { continue };
        for (resource, value) in limits {
            if is_gpu(resource)
                && let Some(count) = scalar_text(value).and_then(|text| text.parse::<i64>().ok())
            {
                *gpus.get_or_insert(0) += count;
            }
        }
    }
    let primary = containers.iter().find(|c| c.get_path(&["name"]).and_then(Node::as_str) == Some(primary));
    let memory_limit = primary.and_then(|c| c.get_path(&["resources", "limits", "memory"])).and_then(scalar_text);
    let image = primary.and_then(|c| c.get_path(&["image"])).and_then(Node::as_str).map(short_image);
    PodSummary { node_selector, gpus, memory_limit, image }
}

/// Whether an extended resource name counts GPUs (the device plugins' names).
fn is_gpu(resource: &str) -> bool {
    resource.ends_with("/gpu") || resource.starts_with("gpu.intel.com/")
}

fn scalar_text<O>(node: &Node<O>) -> Option<String> {
    match &node.value {
        Value::String(text) => Some(text.to_string()),
        Value::Int(n) => Some(n.to_string()),
        Value::Float(x) => Some(x.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn short_image(image: &str) -> String {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    match digest {
        Some(digest) => {
            let hex = digest.split_once(':').map_or(digest, |(_, hex)| hex);
            format!("{last}@{}", &hex[..hex.len().min(12)])
        }
        None => last.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(tree: serde_json::Value) -> String {
        summarize(&Node::from_json(&tree, ()), "primary").to_string()
    }

    #[test]
    fn the_four_facts() {
        let pod = json!({"spec": {
            "nodeSelector": {"gpu-type": "nvidia-a100", "zone": "b"},
            "containers": [
                {"name": "primary", "image": "ghcr.io/acme/train:1.4",
                 "resources": {"limits": {"nvidia.com/gpu": "2", "memory": "32Gi"}}},
                {"name": "sidecar", "image": "busybox", "resources": {"limits": {"nvidia.com/gpu": 1}}},
            ],
        }});
        assert_eq!(summary(pod), "gpu-type=nvidia-a100,zone=b · 3 GPUs · 32Gi memory · train:1.4");
    }

    #[test]
    fn what_is_missing_is_said() {
        assert_eq!(summary(json!({})), "any node · no GPU · no memory limit · no image");
        let pod = json!({"spec": {"containers": [
            {"name": "other", "image": "x"},
            {"name": "primary", "image": "registry.local:5000/a/b/run@sha256:0123456789abcdef0123",
             "resources": {"limits": {"amd.com/gpu": 1, "memory": 1073741824}}},
        ]}});
        assert_eq!(summary(pod), "any node · 1 GPU · 1073741824 memory · run@0123456789ab");
    }
}
