//! Seeded random pods and strategic patches, for the kubectl oracle and the no-panic tests.
//!
//! Cases come in groups: one patch and many bases, so one kubectl call on a `v1 List` checks
//! them all. The bases of a group share a skeleton (which optional fields every base has, and a
//! container `app` every base has); the patch puts directives only where the skeleton promises
//! something below. That is where skiff and kubectl mean the same thing: kubectl copies
//! directives that land on nothing into its output verbatim (`docs/merge.md`, "The
//! oracle"), where skiff applies them to nothing. Everything else varies per base: which other
//! containers, list elements and their order, values, zero values.

use serde_json::{Map, Value, json};

/// SplitMix64: small, seedable, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEECE66D)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// A random subset of `items`, in random order, with at least `min` elements.
    pub fn subset<T: Copy>(&mut self, items: &[T], min: usize) -> Vec<T> {
        let mut out: Vec<T> = items.to_vec();
        self.shuffle(&mut out);
        let n = min + self.below(items.len() - min + 1);
        out.truncate(n);
        out
    }
}

const LABEL_KEYS: &[&str] = &["app", "team", "tier", "gpu-type", "example.com/owner"];
const LABEL_VALUES: &[&str] = &["web", "infra", "a100", "v100", "", "on", "yes", "0777", "1e3"];
const FINALIZERS: &[&str] = &["f.io/a", "f.io/b", "f.io/c", "f.io/d"];
const CONTAINERS: &[&str] = &["sidecar", "debug", "c1"];
const NEW_CONTAINERS: &[&str] = &["new1", "new2"];
const ENV: &[&str] = &["A", "B", "C", "D", "E"];
const PORTS: &[i64] = &[53, 80, 443, 8080];
const MOUNTS: &[&str] = &["/data", "/cache", "/config", "/tmp"];
const RESOURCES: &[&str] = &["cpu", "memory", "nvidia.com/gpu"];
const QUANTITIES: &[&str] = &["1", "500m", "2Gi", "0"];
const VOLUMES: &[&str] = &["cache", "config", "secret-vol"];
const ARGS: &[&str] = &["-v", "--port=8080", "--debug", "run"];

/// What every base of a group has.
#[derive(Debug, Clone, Copy)]
pub struct Skeleton {
    labels: bool,
    annotations: bool,
    node_selector: bool,
    tolerations: bool,
    volumes: bool,
    finalizers: bool,
    security_context: bool,
    affinity: bool,
    app_env: bool,
    app_ports: bool,
    app_mounts: bool,
    app_resources: bool,
    app_args: bool,
}

impl Skeleton {
    fn random(rng: &mut Rng) -> Skeleton {
        Skeleton {
            labels: rng.chance(0.6),
            annotations: rng.chance(0.4),
            node_selector: rng.chance(0.5),
            tolerations: rng.chance(0.5),
            volumes: rng.chance(0.5),
            finalizers: rng.chance(0.4),
            security_context: rng.chance(0.4),
            affinity: rng.chance(0.3),
            app_env: rng.chance(0.6),
            app_ports: rng.chance(0.5),
            app_mounts: rng.chance(0.4),
            app_resources: rng.chance(0.5),
            app_args: rng.chance(0.5),
        }
    }
}

/// One patch and the bases (whole `Pod`s named `p0`, `p1`, ...) it applies to.
pub struct Group {
    pub patch: Value,
    pub bases: Vec<Value>,
}

pub fn group(seed: u64, bases: usize) -> Group {
    let mut rng = Rng::new(seed);
    let skeleton = Skeleton::random(&mut rng);
    let patch = patch(&mut rng, &skeleton);
    let bases = (0..bases).map(|i| base(&mut rng, &skeleton, &format!("p{i}"))).collect();
    Group { patch, bases }
}

fn obj(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn string_map(rng: &mut Rng, keys: &[&str], values: &[&str], min: usize) -> Value {
    Value::Object(rng.subset(keys, min).into_iter().map(|k| (k.to_owned(), json!(rng.pick(values)))).collect())
}

// ---------------------------------------------------------------------------------------------
// Bases

fn base(rng: &mut Rng, sk: &Skeleton, name: &str) -> Value {
    let mut metadata = Map::new();
    metadata.insert("name".into(), json!(name));
    if sk.labels {
        metadata.insert("labels".into(), string_map(rng, LABEL_KEYS, LABEL_VALUES, 1));
    }
    if sk.annotations {
        metadata.insert("annotations".into(), string_map(rng, LABEL_KEYS, LABEL_VALUES, 1));
    }
    if sk.finalizers {
        metadata.insert("finalizers".into(), json!(rng.subset(FINALIZERS, 1)));
    }
    let mut spec = Map::new();
    let mut names: Vec<&str> = rng.subset(CONTAINERS, 0);
    let at = rng.below(names.len() + 1);
    names.insert(at, "app");
    let containers: Vec<Value> = names.iter().map(|n| container(rng, sk, n)).collect();
    spec.insert("containers".into(), Value::Array(containers));
    if rng.chance(0.3) {
        spec.insert("initContainers".into(), json!([{"name": "init", "image": "busybox"}]));
    }
    if sk.node_selector {
        spec.insert("nodeSelector".into(), string_map(rng, LABEL_KEYS, LABEL_VALUES, 1));
    }
    if sk.tolerations {
        spec.insert("tolerations".into(), tolerations(rng, 1));
    }
    if sk.volumes {
        let mut volumes: Vec<Value> = rng.subset(VOLUMES, 0).into_iter().map(|v| volume(rng, v)).collect();
        let at = rng.below(volumes.len() + 1);
        volumes.insert(at, volume(rng, "data"));
        spec.insert("volumes".into(), Value::Array(volumes));
    }
    if sk.security_context {
        spec.insert("securityContext".into(), json!({"runAsUser": rng.pick(&[0, 1000]), "fsGroup": 2000}));
    }
    if sk.affinity {
        spec.insert(
            "affinity".into(),
            json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}]}}}),
        );
    }
    if rng.chance(0.5) {
        spec.insert("restartPolicy".into(), json!(rng.pick(&["Never", "Always"])));
    }
    if rng.chance(0.4) {
        spec.insert("hostNetwork".into(), json!(rng.chance(0.5)));
    }
    if rng.chance(0.4) {
        spec.insert("activeDeadlineSeconds".into(), json!(rng.pick(&[0, 60, 3600])));
    }
    if rng.chance(0.3) {
        let secrets: Vec<Value> = rng.subset(&["reg-a", "reg-b"], 1).into_iter().map(|n| json!({"name": n})).collect();
        spec.insert("imagePullSecrets".into(), Value::Array(secrets));
    }
    if rng.chance(0.3) {
        spec.insert("hostAliases".into(), json!([{"ip": "10.0.0.1", "hostnames": ["a"]}]));
    }
    if rng.chance(0.3) {
        spec.insert(
            "topologySpreadConstraints".into(),
            json!([{"topologyKey": "zone", "maxSkew": 1, "whenUnsatisfiable": "DoNotSchedule"}]),
        );
    }
    obj(vec![
        ("apiVersion", json!("v1")),
        ("kind", json!("Pod")),
        ("metadata", Value::Object(metadata)),
        ("spec", Value::Object(spec)),
    ])
}

fn container(rng: &mut Rng, sk: &Skeleton, name: &str) -> Value {
    let app = name == "app";
    let mut c = Map::new();
    c.insert("name".into(), json!(name));
    c.insert("image".into(), json!(format!("{name}:{}", rng.below(3))));
    if (app && sk.app_args) || (!app && rng.chance(0.3)) {
        c.insert("args".into(), json!(rng.subset(ARGS, 1)));
    }
    if (app && sk.app_env) || (!app && rng.chance(0.4)) {
        let mut env: Vec<Value> = rng.subset(ENV, usize::from(app)).into_iter().map(|n| env_var(rng, n)).collect();
        if !env.is_empty() && rng.chance(0.05) {
            // A duplicate key below: a deletion removes both, a merge goes into the first.
            let name = env[0]["name"].clone();
            let at = rng.below(env.len() + 1);
            env.insert(at, json!({"name": name, "value": "dup"}));
        }
        c.insert("env".into(), Value::Array(env));
    }
    if (app && sk.app_ports) || (!app && rng.chance(0.3)) {
        let mut ports: Vec<Value> = rng.subset(PORTS, 1).into_iter().map(|p| port(rng, p)).collect();
        if rng.chance(0.15) {
            // DNS on TCP and UDP: two elements with one merge key, as real pods have.
            let at = rng.below(ports.len() + 1);
            ports.insert(at, json!({"containerPort": 53, "protocol": "UDP", "name": "dns-udp"}));
        }
        c.insert("ports".into(), Value::Array(ports));
    }
    if (app && sk.app_mounts) || (!app && rng.chance(0.3)) {
        let mounts: Vec<Value> =
            rng.subset(MOUNTS, 1).into_iter().map(|m| json!({"name": "data", "mountPath": m})).collect();
        c.insert("volumeMounts".into(), Value::Array(mounts));
    }
    if (app && sk.app_resources) || (!app && rng.chance(0.3)) {
        c.insert(
            "resources".into(),
            json!({"limits": string_map(rng, RESOURCES, QUANTITIES, 1), "requests": string_map(rng, RESOURCES, QUANTITIES, 1)}),
        );
    }
    if rng.chance(0.3) {
        c.insert("imagePullPolicy".into(), json!(rng.pick(&["Always", "IfNotPresent"])));
    }
    Value::Object(c)
}

fn env_var(rng: &mut Rng, name: &str) -> Value {
    if rng.chance(0.8) {
        json!({"name": name, "value": rng.pick(&["1", "", "on", "x"])})
    } else {
        json!({"name": name, "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}})
    }
}

fn port(rng: &mut Rng, port: i64) -> Value {
    let mut p = Map::new();
    p.insert("containerPort".into(), json!(port));
    if rng.chance(0.5) {
        p.insert("protocol".into(), json!(rng.pick(&["TCP", "UDP"])));
    }
    if rng.chance(0.5) {
        p.insert("name".into(), json!(format!("p{port}")));
    }
    Value::Object(p)
}

fn tolerations(rng: &mut Rng, min: usize) -> Value {
    let n = min + rng.below(2);
    let items: Vec<Value> = (0..n)
        .map(|_| match rng.below(3) {
            0 => json!({"key": "gpu", "operator": "Exists", "effect": "NoSchedule"}),
            1 => json!({"key": "dedicated", "operator": "Equal", "value": rng.pick(&["batch", "spot"]), "effect": "NoSchedule"}),
            _ => json!({"operator": "Exists"}),
        })
        .collect();
    Value::Array(items)
}

fn volume(rng: &mut Rng, name: &str) -> Value {
    let (key, source) = volume_source(rng);
    obj(vec![("name", json!(name)), (key, source)])
}

fn volume_source(rng: &mut Rng) -> (&'static str, Value) {
    match rng.below(4) {
        0 => ("emptyDir", json!({})),
        1 => ("configMap", json!({"name": rng.pick(&["cm-a", "cm-b"])})),
        2 => ("secret", json!({"secretName": "s"})),
        _ => ("hostPath", json!({"path": "/var/data"})),
    }
}

// ---------------------------------------------------------------------------------------------
// Patches

fn patch(rng: &mut Rng, sk: &Skeleton) -> Value {
    let mut metadata = Map::new();
    if rng.chance(0.4) {
        metadata.insert("labels".into(), string_map_patch(rng, sk.labels));
    }
    if rng.chance(0.25) {
        metadata.insert("annotations".into(), string_map_patch(rng, sk.annotations));
    }
    if rng.chance(0.3) {
        finalizers_patch(rng, &mut metadata);
    }
    let mut spec = Map::new();
    if rng.chance(0.85) {
        containers_patch(rng, sk, &mut spec);
    }
    if rng.chance(0.15) {
        let image = rng.pick(&["busybox", "alpine"]);
        spec.insert("initContainers".into(), json!([{"name": rng.pick(&["init", "init2"]), "image": image}]));
    }
    if rng.chance(0.35) {
        spec.insert("nodeSelector".into(), string_map_patch(rng, sk.node_selector));
    }
    if rng.chance(0.3) {
        let value = match rng.below(4) {
            0 => Value::Null,
            1 => json!([]),
            _ => tolerations(rng, 1),
        };
        spec.insert("tolerations".into(), value);
    }
    if rng.chance(0.35) {
        volumes_patch(rng, sk, &mut spec);
    }
    if rng.chance(0.25) {
        let value = match rng.below(5) {
            0 => Value::Null,
            1 => json!({"$patch": "delete"}),
            2 if sk.security_context => json!({"$patch": "replace", "runAsNonRoot": true}),
            _ => json!({"runAsUser": rng.pick(&[0, 1001]), "fsGroup": null, "runAsNonRoot": rng.chance(0.5)}),
        };
        spec.insert("securityContext".into(), value);
    }
    if rng.chance(0.2) {
        let value = match rng.below(3) {
            0 => Value::Null,
            1 => json!({"$patch": "delete"}),
            _ => {
                json!({"nodeAffinity": null, "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": "zone", "labelSelector": {"matchLabels": {"app": "web"}}}]}})
            }
        };
        spec.insert("affinity".into(), value);
    }
    for (key, values) in [
        ("hostNetwork", &[json!(false), json!(true), Value::Null][..]),
        ("activeDeadlineSeconds", &[json!(0), json!(120), Value::Null][..]),
        ("restartPolicy", &[json!("OnFailure"), Value::Null][..]),
        ("serviceAccountName", &[json!("runner"), json!(""), Value::Null][..]),
    ] {
        if rng.chance(0.2) {
            spec.insert(key.into(), values[rng.below(values.len())].clone());
        }
    }
    if rng.chance(0.2) {
        let mut items: Vec<Value> =
            rng.subset(&["reg-a", "reg-b", "reg-c"], 1).into_iter().map(|n| json!({"name": n})).collect();
        if rng.chance(0.3) {
            items.push(json!({"name": "reg-d", "$patch": "delete"}));
        }
        spec.insert("imagePullSecrets".into(), Value::Array(items));
    }
    if rng.chance(0.15) {
        spec.insert("hostAliases".into(), json!([{"ip": rng.pick(&["10.0.0.1", "10.0.0.2"]), "hostnames": ["b"]}]));
    }
    if rng.chance(0.15) {
        let key = rng.pick(&["zone", "host"]);
        spec.insert("topologySpreadConstraints".into(), json!([{"topologyKey": key, "maxSkew": 2}]));
    }
    if rng.chance(0.04) {
        // `$retainKeys` on the whole spec: every patch key listed, plus some of the base's.
        let mut listed: Vec<Value> =
            spec.iter().filter(|(k, v)| !k.starts_with('$') && !v.is_null()).map(|(k, _)| json!(k)).collect();
        for extra in ["containers", "volumes", "nodeSelector"] {
            if rng.chance(0.5) && !listed.contains(&json!(extra)) {
                listed.push(json!(extra));
            }
        }
        if rng.chance(0.1) {
            listed.retain(|k| k != "containers"); // a violation when the patch has containers
        }
        spec.insert("$retainKeys".into(), Value::Array(listed));
    }
    let mut patch = Map::new();
    if !metadata.is_empty() {
        patch.insert("metadata".into(), Value::Object(metadata));
    }
    if !spec.is_empty() || rng.chance(0.5) {
        patch.insert("spec".into(), Value::Object(spec));
    }
    Value::Object(patch)
}

/// A patch for `labels`, `annotations` or `nodeSelector`; directives only where every base has
/// the map (`present`), except `$patch: delete`, which means the same with nothing below.
fn string_map_patch(rng: &mut Rng, present: bool) -> Value {
    let mut entries = Map::new();
    for key in rng.subset(LABEL_KEYS, 1) {
        let value = if rng.chance(0.3) { Value::Null } else { json!(rng.pick(LABEL_VALUES)) };
        entries.insert(key.into(), value);
    }
    match rng.below(10) {
        0 => Value::Null,
        1 => json!({"$patch": "delete"}),
        2 if present => {
            entries.insert("$patch".into(), json!("replace"));
            Value::Object(entries)
        }
        3 | 4 if present => {
            let mut listed: Vec<Value> = entries.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| json!(k)).collect();
            listed.extend(rng.subset(LABEL_KEYS, 0).into_iter().take(2).map(|k| json!(k)));
            if rng.chance(0.1) && !listed.is_empty() {
                listed.remove(0); // may leave a patch key out: an error on both sides
            }
            entries.insert("$retainKeys".into(), Value::Array(listed));
            Value::Object(entries)
        }
        _ => Value::Object(entries),
    }
}

fn finalizers_patch(rng: &mut Rng, metadata: &mut Map<String, Value>) {
    let mut pool: Vec<&str> = FINALIZERS.to_vec();
    pool.push("f.io/e");
    rng.shuffle(&mut pool);
    let added: Vec<&str> = pool[..1 + rng.below(2)].to_vec();
    let rest: Vec<&str> = pool[added.len()..].to_vec();
    if rng.chance(0.1) {
        metadata.insert("finalizers".into(), Value::Null);
        return;
    }
    metadata.insert("finalizers".into(), json!(added));
    if rng.chance(0.3) {
        // Disjoint from the additions: kubectl applies the two in random order.
        let deleted: Vec<&str> = rest.iter().copied().filter(|_| rng.chance(0.5)).collect();
        metadata.insert("$deleteFromPrimitiveList/finalizers".into(), json!(deleted));
    }
    if rng.chance(0.3) {
        let mut order: Vec<&str> = added.clone();
        for extra in FINALIZERS {
            if !order.contains(extra) && rng.chance(0.4) {
                let at = rng.below(order.len() + 1);
                order.insert(at, extra);
            }
        }
        if rng.chance(0.15) {
            order.reverse(); // may contradict the patch list: an error on both sides
        }
        metadata.insert("$setElementOrder/finalizers".into(), json!(order));
    }
}

fn containers_patch(rng: &mut Rng, sk: &Skeleton, spec: &mut Map<String, Value>) {
    let mut pool: Vec<&str> = vec!["app"];
    pool.extend(CONTAINERS);
    pool.extend(NEW_CONTAINERS);
    let names = rng.subset(&pool, 1);
    let replace = rng.chance(0.05);
    let mut elements = Vec::new();
    let mut plain: Vec<&str> = Vec::new();
    for name in &names {
        if !replace && rng.chance(0.15) {
            elements.push(json!({"name": name, "$patch": "delete"}));
            continue;
        }
        // Directives inside an element only where it is sure to be merged: `app`, not replaced.
        let directives = *name == "app" && !replace;
        elements.push(container_patch(rng, sk, name, directives));
        plain.push(name);
    }
    if replace {
        let at = rng.below(elements.len() + 1);
        elements.insert(at, json!({"$patch": "replace"}));
    }
    if rng.chance(0.03) {
        elements.push(json!({"image": "nameless"})); // an error on both sides
    }
    spec.insert("containers".into(), Value::Array(elements));
    if !replace && !plain.is_empty() && rng.chance(0.15) {
        let mut order: Vec<Value> = plain.iter().map(|n| json!({"name": n})).collect();
        for extra in CONTAINERS.iter().chain(["app"].iter()) {
            if !plain.contains(extra) && rng.chance(0.4) {
                let at = rng.below(order.len() + 1);
                order.insert(at, json!({"name": extra}));
            }
        }
        if rng.chance(0.15) {
            order.reverse();
        }
        spec.insert("$setElementOrder/containers".into(), Value::Array(order));
    }
}

fn container_patch(rng: &mut Rng, sk: &Skeleton, name: &str, directives: bool) -> Value {
    let mut c = Map::new();
    c.insert("name".into(), json!(name));
    if rng.chance(0.5) {
        c.insert("image".into(), json!(rng.pick(&["img:2", "", "on"])));
    }
    let mut args_in_patch = false;
    if rng.chance(0.25) {
        let value = match rng.below(4) {
            0 => Value::Null,
            1 => json!([]),
            2 => json!(["--x", null]),
            _ => json!(rng.subset(ARGS, 1)),
        };
        c.insert("args".into(), value);
        args_in_patch = true;
    }
    if rng.chance(0.1) {
        c.insert("command".into(), json!(["sh", "-c", "true"]));
    }
    if rng.chance(0.45) {
        let names = rng.subset(ENV, 1);
        let mut env = Vec::new();
        let mut kept = Vec::new();
        for n in &names {
            if directives && rng.chance(0.2) {
                env.push(json!({"name": n, "$patch": "delete"}));
            } else if rng.chance(0.15) {
                env.push(json!({"name": n, "value": null, "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}));
                kept.push(*n);
            } else {
                env.push(json!({"name": n, "value": rng.pick(&["9", "", "no", "true"]), "valueFrom": null}));
                kept.push(*n);
            }
        }
        if directives && rng.chance(0.05) {
            env.insert(rng.below(env.len() + 1), json!({"$patch": "replace"}));
        } else if directives && !kept.is_empty() && rng.chance(0.25) {
            let mut order: Vec<Value> = kept.iter().map(|n| json!({"name": n})).collect();
            for extra in ENV {
                if !names.contains(extra) && rng.chance(0.3) {
                    let at = rng.below(order.len() + 1);
                    order.insert(at, json!({"name": extra}));
                }
            }
            if rng.chance(0.1) {
                order.reverse();
            }
            c.insert("$setElementOrder/env".into(), Value::Array(order));
        }
        c.insert("env".into(), Value::Array(env));
    } else if directives && sk.app_env && rng.chance(0.1) {
        // Reorder only.
        let order: Vec<Value> = rng.subset(ENV, 1).into_iter().map(|n| json!({"name": n})).collect();
        c.insert("$setElementOrder/env".into(), Value::Array(order));
    }
    if rng.chance(0.3) {
        let mut ports = Vec::new();
        for p in rng.subset(PORTS, 1) {
            if directives && rng.chance(0.2) {
                ports.push(json!({"containerPort": p, "$patch": "delete"}));
            } else {
                ports.push(json!({"containerPort": p, "protocol": rng.pick(&["TCP", "UDP"]), "name": null}));
            }
        }
        c.insert("ports".into(), Value::Array(ports));
    }
    if rng.chance(0.25) {
        let mounts: Vec<Value> = rng
            .subset(MOUNTS, 1)
            .into_iter()
            .map(|m| json!({"mountPath": m, "name": rng.pick(&["data", "cache"]), "readOnly": rng.chance(0.5)}))
            .collect();
        c.insert("volumeMounts".into(), Value::Array(mounts));
    }
    if rng.chance(0.35) {
        let mut limits = Map::new();
        for r in rng.subset(RESOURCES, 1) {
            let value = if rng.chance(0.3) { Value::Null } else { json!(rng.pick(QUANTITIES)) };
            limits.insert(r.into(), value);
        }
        let value = match rng.below(8) {
            0 => Value::Null,
            1 if directives && sk.app_resources => json!({"$patch": "replace", "limits": limits}),
            2 if directives => json!({"$patch": "delete"}),
            3 => json!({"requests": null, "limits": limits}),
            _ => json!({"limits": limits}),
        };
        c.insert("resources".into(), value);
    }
    if rng.chance(0.2) {
        c.insert("imagePullPolicy".into(), if rng.chance(0.3) { Value::Null } else { json!("Never") });
    }
    if directives && sk.app_args && !args_in_patch && rng.chance(0.2) {
        let deleted = rng.subset(ARGS, 1);
        c.insert("$deleteFromPrimitiveList/args".into(), json!(deleted));
    }
    if directives && rng.chance(0.1) {
        let mut listed: Vec<Value> =
            c.iter().filter(|(k, v)| !k.starts_with('$') && !v.is_null()).map(|(k, _)| json!(k)).collect();
        for extra in ["image", "env", "resources", "args"] {
            if rng.chance(0.5) && !listed.contains(&json!(extra)) {
                listed.push(json!(extra));
            }
        }
        if rng.chance(0.1) {
            listed.retain(|k| k != "name"); // a violation: `name` is always in the patch
        }
        c.insert("$retainKeys".into(), Value::Array(listed));
    }
    Value::Object(c)
}

fn volumes_patch(rng: &mut Rng, sk: &Skeleton, spec: &mut Map<String, Value>) {
    let mut pool = vec!["data"];
    pool.extend(VOLUMES);
    pool.push("fresh");
    let mut items = Vec::new();
    for name in rng.subset(&pool, 1) {
        if rng.chance(0.15) {
            items.push(json!({"name": name, "$patch": "delete"}));
            continue;
        }
        let (key, source) = volume_source(rng);
        let mut v = Map::new();
        v.insert("name".into(), json!(name));
        v.insert(key.into(), source);
        if name == "data" && sk.volumes && rng.chance(0.4) {
            v.insert("$retainKeys".into(), json!(["name", key]));
        }
        items.push(Value::Object(v));
    }
    if rng.chance(0.05) {
        items.insert(0, json!({"$patch": "replace"}));
        for item in &mut items {
            if let Some(m) = item.as_object_mut() {
                m.remove("$retainKeys");
                if m.get("$patch").and_then(Value::as_str) == Some("delete") {
                    m.remove("$patch");
                    m.insert("emptyDir".into(), json!({}));
                }
            }
        }
    }
    spec.insert("volumes".into(), Value::Array(items));
}
