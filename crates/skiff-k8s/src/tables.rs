//! What k8s-openapi's schema does not say and skiff needs: the strategic-merge keyed lists, the
//! lists that look keyed but are atomic, the enum values of string fields, and which names must be
//! DNS-1123 names. The contract is `docs/merge.md`; tests below tie every entry to the schema,
//! so a Kubernetes upgrade that renames a field fails here first.
//!
//! Entries name the owning definition by its short name (`PodSpec`, unique in this schema) and the
//! field as the API spells it.

use rustc_hash::FxHashMap;
use std::sync::LazyLock;

use crate::schema::{TypeId, schema};

/// A list merged element by element (`patchStrategy: merge`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyedList {
    /// The path from a `PodTemplateSpec`, as `docs/merge.md` writes it.
    pub path: &'static str,
    /// The definition that holds the list field.
    pub owner: &'static str,
    pub field: &'static str,
    /// The merge key of the elements; `None` for a list of scalars merged as a set
    /// (`metadata.finalizers`).
    pub merge_key: Option<&'static str>,
    /// Whether the elements also carry `retainKeys` (a volume source switch drops the old one).
    pub retain_keys: bool,
}

const fn keyed(path: &'static str, owner: &'static str, field: &'static str, key: &'static str) -> KeyedList {
    KeyedList { path, owner, field, merge_key: Some(key), retain_keys: false }
}

/// Every keyed list reachable from a `PodTemplateSpec`; every other list is atomic.
pub const KEYED_LISTS: &[KeyedList] = &[
    keyed("spec.containers[]", "PodSpec", "containers", "name"),
    keyed("spec.initContainers[]", "PodSpec", "initContainers", "name"),
    keyed("spec.ephemeralContainers[]", "PodSpec", "ephemeralContainers", "name"),
    keyed("...containers[].env[]", "Container", "env", "name"),
    keyed("spec.ephemeralContainers[].env[]", "EphemeralContainer", "env", "name"),
    keyed("...containers[].ports[]", "Container", "ports", "containerPort"),
    keyed("spec.ephemeralContainers[].ports[]", "EphemeralContainer", "ports", "containerPort"),
    keyed("...containers[].volumeMounts[]", "Container", "volumeMounts", "mountPath"),
    keyed("spec.ephemeralContainers[].volumeMounts[]", "EphemeralContainer", "volumeMounts", "mountPath"),
    keyed("...containers[].volumeDevices[]", "Container", "volumeDevices", "devicePath"),
    keyed("spec.ephemeralContainers[].volumeDevices[]", "EphemeralContainer", "volumeDevices", "devicePath"),
    KeyedList { retain_keys: true, ..keyed("spec.volumes[]", "PodSpec", "volumes", "name") },
    keyed("spec.imagePullSecrets[]", "PodSpec", "imagePullSecrets", "name"),
    keyed("spec.hostAliases[]", "PodSpec", "hostAliases", "ip"),
    keyed("spec.topologySpreadConstraints[]", "PodSpec", "topologySpreadConstraints", "topologyKey"),
    keyed("spec.schedulingGates[]", "PodSpec", "schedulingGates", "name"),
    KeyedList { retain_keys: true, ..keyed("spec.resourceClaims[]", "PodSpec", "resourceClaims", "name") },
    keyed("metadata.ownerReferences[]", "ObjectMeta", "ownerReferences", "uid"),
    KeyedList {
        path: "metadata.finalizers[]",
        owner: "ObjectMeta",
        field: "finalizers",
        merge_key: None,
        retain_keys: false,
    },
];

/// Lists that look keyed (their elements have a `key` or `name`) but are atomic: a patch replaces
/// them whole. `(owner, field)`.
pub const ATOMIC_LOOKING_LISTS: &[(&str, &str)] = &[
    ("PodSpec", "tolerations"),
    ("ResourceRequirements", "claims"),
    ("PodSpec", "readinessGates"),
    ("PodSecurityContext", "sysctls"),
    ("PodDNSConfig", "options"),
    ("NodeSelector", "nodeSelectorTerms"),
    ("NodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
    ("PodAffinity", "requiredDuringSchedulingIgnoredDuringExecution"),
    ("PodAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
    ("PodAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"),
    ("PodAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution"),
];

/// The allowed values of a string field (from the Kubernetes Go types; absent from the schema).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnumField {
    pub owner: &'static str,
    pub field: &'static str,
    pub values: &'static [&'static str],
}

const fn en(owner: &'static str, field: &'static str, values: &'static [&'static str]) -> EnumField {
    EnumField { owner, field, values }
}

const SECCOMP_TYPES: &[&str] = &["Unconfined", "RuntimeDefault", "Localhost"];
const NODE_INCLUSION_POLICIES: &[&str] = &["Ignore", "Honor"];

/// The enum table of `docs/merge.md`.
pub const ENUMS: &[EnumField] = &[
    en("Toleration", "operator", &["Exists", "Equal", "Lt", "Gt"]),
    en("Toleration", "effect", &["NoSchedule", "PreferNoSchedule", "NoExecute"]),
    en("PodSpec", "restartPolicy", &["Always", "OnFailure", "Never"]),
    en("PodSpec", "dnsPolicy", &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]),
    en("PodSpec", "preemptionPolicy", &["PreemptLowerPriority", "Never"]),
    en("Container", "imagePullPolicy", &["Always", "Never", "IfNotPresent"]),
    en("EphemeralContainer", "imagePullPolicy", &["Always", "Never", "IfNotPresent"]),
    en("Container", "terminationMessagePolicy", &["File", "FallbackToLogsOnError"]),
    en("EphemeralContainer", "terminationMessagePolicy", &["File", "FallbackToLogsOnError"]),
    en("ContainerPort", "protocol", &["TCP", "UDP", "SCTP"]),
    en("NodeSelectorRequirement", "operator", &["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]),
    en("LabelSelectorRequirement", "operator", &["In", "NotIn", "Exists", "DoesNotExist"]),
    en("TopologySpreadConstraint", "whenUnsatisfiable", &["DoNotSchedule", "ScheduleAnyway"]),
    en("TopologySpreadConstraint", "nodeAffinityPolicy", NODE_INCLUSION_POLICIES),
    en("TopologySpreadConstraint", "nodeTaintsPolicy", NODE_INCLUSION_POLICIES),
    en("VolumeMount", "mountPropagation", &["None", "HostToContainer", "Bidirectional"]),
    en(
        "HostPathVolumeSource",
        "type",
        &["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"],
    ),
    en("PodSecurityContext", "fsGroupChangePolicy", &["OnRootMismatch", "Always"]),
    en("SeccompProfile", "type", SECCOMP_TYPES),
    en("AppArmorProfile", "type", SECCOMP_TYPES),
    en("HTTPGetAction", "scheme", &["HTTP", "HTTPS"]),
    en("PersistentVolumeClaimSpec", "volumeMode", &["Block", "Filesystem"]),
];

/// Which Kubernetes name rule a string field follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    /// At most 63 characters of `[a-z0-9-]`, starting and ending alphanumeric.
    Dns1123Label,
    /// Dot-separated DNS-1123 labels, at most 253 characters.
    Dns1123Subdomain,
}

/// String fields whose values the API server validates as DNS-1123 names. `(owner, field, rule)`.
pub const NAME_FIELDS: &[(&str, &str, NameRule)] = &[
    ("Container", "name", NameRule::Dns1123Label),
    ("EphemeralContainer", "name", NameRule::Dns1123Label),
    ("Volume", "name", NameRule::Dns1123Label),
    ("PodSpec", "hostname", NameRule::Dns1123Label),
    ("PodSpec", "subdomain", NameRule::Dns1123Label),
    ("PodSpec", "serviceAccountName", NameRule::Dns1123Subdomain),
];

/// What the keys and values of a string map are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringMapRule {
    /// Label keys and label values (`metadata.labels`, `nodeSelector`, `matchLabels`).
    Labels,
    /// Annotation keys (qualified names) and any string values.
    Annotations,
    /// A container's resource names (`cpu`, `memory`, `nvidia.com/gpu`), whose values are
    /// quantities.
    ResourceNames,
}

/// The maps whose keys (and values) follow a rule of Kubernetes'. `(owner, field, rule)`.
pub const STRING_MAP_FIELDS: &[(&str, &str, StringMapRule)] = &[
    ("ObjectMeta", "labels", StringMapRule::Labels),
    ("ObjectMeta", "annotations", StringMapRule::Annotations),
    ("PodSpec", "nodeSelector", StringMapRule::Labels),
    ("LabelSelector", "matchLabels", StringMapRule::Labels),
    ("ResourceRequirements", "limits", StringMapRule::ResourceNames),
    ("ResourceRequirements", "requests", StringMapRule::ResourceNames),
];

/// `owner -> field -> value`: nested so lookups take a borrowed field name.
/// Fx hashing: these are read for every field of every body checked, and the keys are not
/// chosen by an adversary who could make them collide (they come from the tables above).
type Table<V> = FxHashMap<TypeId, FxHashMap<&'static str, V>>;

#[derive(Default)]
struct Index {
    keyed: Table<&'static KeyedList>,
    atomic: Table<()>,
    enums: Table<&'static [&'static str]>,
    names: Table<NameRule>,
    maps: Table<StringMapRule>,
}

fn insert<V>(table: &mut Table<V>, owner: &str, field: &'static str, value: V) {
    // Entries naming a definition the schema lacks are skipped here (and fail the tests below).
    if let Some(ty) = schema().definition(owner) {
        table.entry(ty).or_default().insert(field, value);
    }
}

fn get<V: Copy>(table: &Table<V>, owner: TypeId, field: &str) -> Option<V> {
    table.get(&owner).and_then(|fields| fields.get(field)).copied()
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut index = Index::default();
    for entry in KEYED_LISTS {
        insert(&mut index.keyed, entry.owner, entry.field, entry);
    }
    for (owner, field) in ATOMIC_LOOKING_LISTS {
        insert(&mut index.atomic, owner, field, ());
    }
    for entry in ENUMS {
        insert(&mut index.enums, entry.owner, entry.field, entry.values);
    }
    for (owner, field, rule) in NAME_FIELDS {
        insert(&mut index.names, owner, field, *rule);
    }
    for (owner, field, rule) in STRING_MAP_FIELDS {
        insert(&mut index.maps, owner, field, *rule);
    }
    index
});

/// The keyed-list entry for field `field` of the object type `owner`, if that list is keyed.
pub fn keyed_list(owner: TypeId, field: &str) -> Option<&'static KeyedList> {
    get(&INDEX.keyed, owner, field)
}

/// The fields besides the merge key that tell two elements of a keyed list apart for the API
/// server, with their defaults: a container port is `containerPort` and `protocol` (its
/// server-side-apply list-map keys), so `53/UDP` and `53/TCP` are two ports, as every DNS server
/// declares them. The strategic merge still matches elements by the merge key alone.
pub fn identity_fields(merge_key: &str) -> &'static [(&'static str, &'static str)] {
    match merge_key {
        "containerPort" => &[("protocol", "TCP")],
        _ => &[],
    }
}

/// Whether `owner.field` is one of the lists that look keyed but are atomic.
pub fn is_atomic_looking(owner: TypeId, field: &str) -> bool {
    get(&INDEX.atomic, owner, field).is_some()
}

/// The allowed values of `owner.field`, if it is an enum.
pub fn enum_values(owner: TypeId, field: &str) -> Option<&'static [&'static str]> {
    get(&INDEX.enums, owner, field)
}

/// The name rule of `owner.field`, if the API server validates it as a DNS-1123 name.
pub fn name_rule(owner: TypeId, field: &str) -> Option<NameRule> {
    get(&INDEX.names, owner, field)
}

/// The key rule of the string map `owner.field`, if it has one.
pub fn string_map_rule(owner: TypeId, field: &str) -> Option<StringMapRule> {
    get(&INDEX.maps, owner, field)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Kind, TypeId};

    /// The item type of the array field `owner.field`, or a message saying what is wrong.
    fn array_items(owner: &str, field: &str) -> Result<TypeId, String> {
        let s = schema();
        let ty = s.definition(owner).ok_or(format!("no definition `{owner}`"))?;
        let f = s.field(ty, field).ok_or(format!("`{owner}` has no field `{field}`"))?;
        match s.kind(f.ty) {
            Kind::Array { items } => Ok(*items),
            other => Err(format!("`{owner}.{field}` is {other:?}, not an array")),
        }
    }

    #[test]
    fn every_keyed_list_is_an_array_whose_items_carry_the_key() {
        let s = schema();
        for entry in KEYED_LISTS {
            let items = array_items(entry.owner, entry.field).unwrap_or_else(|e| panic!("{}: {e}", entry.path));
            match entry.merge_key {
                Some(key) => {
                    let key_field = s
                        .field(items, key)
                        .unwrap_or_else(|| panic!("{}: items have no merge key `{key}`", entry.path));
                    assert!(
                        matches!(s.kind(key_field.ty), Kind::String | Kind::Integer),
                        "{}: merge key `{key}` is not a scalar",
                        entry.path
                    );
                }
                None => assert_eq!(s.kind(items), &Kind::String, "{}: a set of strings", entry.path),
            }
            let owner = s.definition(entry.owner).unwrap();
            assert_eq!(keyed_list(owner, entry.field), Some(entry));
        }
    }

    #[test]
    fn every_list_of_the_containers_types_is_in_the_tables() {
        // Container and EphemeralContainer share their list fields; the table must too.
        let s = schema();
        for owner in ["Container", "EphemeralContainer"] {
            let ty = s.definition(owner).unwrap();
            for field in ["env", "ports", "volumeMounts", "volumeDevices"] {
                assert!(keyed_list(ty, field).is_some(), "{owner}.{field}");
            }
        }
    }

    #[test]
    fn atomic_looking_lists_are_arrays_of_objects_and_not_keyed() {
        let s = schema();
        for (owner, field) in ATOMIC_LOOKING_LISTS {
            let items = array_items(owner, field).unwrap_or_else(|e| panic!("{e}"));
            assert!(matches!(s.kind(items), Kind::Object { .. }), "{owner}.{field}");
            let ty = s.definition(owner).unwrap();
            assert!(keyed_list(ty, field).is_none(), "{owner}.{field} is in both tables");
            assert!(is_atomic_looking(ty, field));
        }
        assert!(!is_atomic_looking(s.pod_spec(), "containers"));
    }

    #[test]
    fn every_enum_names_a_string_field_of_the_schema() {
        let s = schema();
        for entry in ENUMS {
            let ty = s.definition(entry.owner).unwrap_or_else(|| panic!("no definition `{}`", entry.owner));
            let field =
                s.field(ty, entry.field).unwrap_or_else(|| panic!("no field `{}.{}`", entry.owner, entry.field));
            assert_eq!(s.kind(field.ty), &Kind::String, "{}.{}", entry.owner, entry.field);
            assert!(!entry.values.is_empty());
            assert_eq!(enum_values(ty, entry.field), Some(entry.values));
        }
        assert_eq!(enum_values(s.pod_spec(), "hostname"), None);
    }

    #[test]
    fn name_and_map_rules_name_fields_of_the_right_kind() {
        let s = schema();
        for (owner, field, rule) in NAME_FIELDS {
            let ty = s.definition(owner).unwrap_or_else(|| panic!("no definition `{owner}`"));
            let f = s.field(ty, field).unwrap_or_else(|| panic!("no field `{owner}.{field}`"));
            assert_eq!(s.kind(f.ty), &Kind::String, "{owner}.{field}");
            assert_eq!(name_rule(ty, field), Some(*rule));
        }
        for (owner, field, rule) in STRING_MAP_FIELDS {
            let ty = s.definition(owner).unwrap_or_else(|| panic!("no definition `{owner}`"));
            let f = s.field(ty, field).unwrap_or_else(|| panic!("no field `{owner}.{field}`"));
            let Kind::Map { values } = s.kind(f.ty) else { panic!("{owner}.{field} is not a map") };
            if *rule != StringMapRule::ResourceNames {
                assert_eq!(s.kind(*values), &Kind::String, "{owner}.{field}");
            }
            assert_eq!(string_map_rule(ty, field), Some(*rule));
        }
    }
}
