//! skiff's Kubernetes knowledge, as pure functions over plain data.
//!
//! This crate is for everything skiff knows about Kubernetes: the schema of a `PodTemplateSpec`
//! (from k8s-openapi's `schemars` feature) and its documentation for hover and completion
//! ([`schema_docs`]), the strategic-merge keyed-list table and the enum values the schema lacks
//! ([`tables`]), resource quantities and their exact comparison, durations as values, label and
//! DNS-1123 name rules, the rules values must follow ([`rules`]: each written once, on plain
//! values or on a merge tree, returning findings tagged with the caller's origin), the strategic
//! merge engine with provenance ([`merge`]), the policy checks of a merged pod that Kubernetes
//! accepts but a reviewer should not (privileged, host namespaces, `:latest`: [`policy`]),
//! Kubernetes YAML in and out ([`yaml`]), which pod document an object is ([`documents`]), and
//! Argo Workflows' objects and how its controller turns a template into a pod ([`argo`]).
//!
//! It is not for skiff's language: it does not know skiff's syntax tree, spans, diagnostics or
//! fixes (walking a skiff body, lowering it to a patch and turning a finding into a diagnostic
//! are `skiff-sema`'s). Nor for salsa or any incremental machinery, IO of any kind, resolving
//! files, imports or names, or choosing a Kubernetes version (binaries pick k8s-openapi's
//! version feature). What one tree changed against another lives in [`merge`] too; the one YAML
//! writer (plain, or with a note per line) in [`yaml`]; a pod in one line, for people, in
//! [`summary`].

pub mod argo;
pub mod documents;
pub mod duration;
pub mod merge;
pub mod names;
pub mod policy;
pub mod quantity;
pub mod rules;
pub mod schema;
pub mod schema_docs;
pub mod summary;
pub mod tables;
pub mod yaml;

pub use duration::{Duration, parse_duration};
pub use quantity::{Quantity, parse_quantity};
pub use schema::{Kind, Schema, TypeId, schema};
pub use schema_docs::{BodyShape, FieldDoc, describe, fields_at, type_at};

/// The stable codes of the Kubernetes checks (documented in `docs/diagnostics.md`): those of
/// [`rules`], and those `skiff-sema` reports when a body does not fit the schema.
pub mod codes {
    /// A field the Kubernetes type does not have.
    pub const UNKNOWN_FIELD: &str = "unknown-field";
    /// A value of the wrong kind: a string where an object is expected, ...
    pub const WRONG_KIND: &str = "wrong-kind";
    /// A string outside a field's allowed values.
    pub const INVALID_ENUM_VALUE: &str = "invalid-enum-value";
    /// Text that is not a Kubernetes quantity.
    pub const INVALID_QUANTITY: &str = "invalid-quantity";
    /// (warning) A valid quantity that is almost certainly a mistake: `memory: 512m`.
    pub const SUSPICIOUS_QUANTITY: &str = "suspicious-quantity";
    /// An integer outside the 32-bit range of an `int32` field.
    pub const INTEGER_OUT_OF_RANGE: &str = "integer-out-of-range";
    /// A key of `labels`, `nodeSelector` or `matchLabels` that is not a valid label key.
    pub const INVALID_LABEL_KEY: &str = "invalid-label-key";
    /// A value of `labels`, `nodeSelector` or `matchLabels` that is not a valid label value.
    pub const INVALID_LABEL_VALUE: &str = "invalid-label-value";
    /// A key of `annotations` that is not a valid qualified name.
    pub const INVALID_ANNOTATION_KEY: &str = "invalid-annotation-key";
    /// A container `image` the container runtime cannot read (`InvalidImageName`).
    pub const INVALID_IMAGE: &str = "invalid-image";
    /// A key of a container's `limits` or `requests` that is no resource name.
    pub const INVALID_RESOURCE_NAME: &str = "invalid-resource-name";
    /// A container, volume or host name that is not a DNS-1123 name.
    pub const INVALID_NAME: &str = "invalid-name";
    /// A resource request above the limit for the same resource.
    pub const REQUESTS_EXCEED_LIMITS: &str = "requests-exceed-limits";
    /// Two elements of one keyed list with the same merge key.
    pub const DUPLICATE_MERGE_KEY: &str = "duplicate-merge-key";
    /// An element of a keyed list without its merge key.
    pub const MISSING_MERGE_KEY: &str = "missing-merge-key";
    /// `containers["a"] { name: "b" }`: an element addressed by one key that names another.
    pub const MERGE_KEY_MISMATCH: &str = "merge-key-mismatch";
    /// One key written twice in one object.
    pub const DUPLICATE_KEY: &str = "duplicate-key";
    /// A toleration with `operator: "Exists"` and a `value`.
    pub const TOLERATION_EXISTS_WITH_VALUE: &str = "toleration-exists-with-value";
    /// `key[index]` on a field that is not a keyed list.
    pub const INDEX_NOT_KEYED: &str = "index-not-keyed";
    /// `ports["http"]`: an index whose type is not the merge key's.
    pub const INDEX_TYPE_MISMATCH: &str = "index-type-mismatch";
    /// `key += value` on a field that is not a list.
    pub const APPEND_TO_NON_LIST: &str = "append-to-non-list";
    /// A value used as a duration (skiff's `timeout`) that is not one.
    pub const INVALID_DURATION: &str = "invalid-duration";
    /// An environment variable name the API server refuses: empty, with `=`, or not printable
    /// ASCII.
    pub const INVALID_ENV_NAME: &str = "invalid-env-name";

    /// Every code of this crate, for the test that `docs/diagnostics.md` documents them all.
    pub const ALL: &[&str] = &[
        UNKNOWN_FIELD,
        WRONG_KIND,
        INVALID_ENUM_VALUE,
        INVALID_QUANTITY,
        SUSPICIOUS_QUANTITY,
        INTEGER_OUT_OF_RANGE,
        INVALID_LABEL_KEY,
        INVALID_LABEL_VALUE,
        INVALID_ANNOTATION_KEY,
        INVALID_RESOURCE_NAME,
        INVALID_IMAGE,
        INVALID_NAME,
        REQUESTS_EXCEED_LIMITS,
        DUPLICATE_MERGE_KEY,
        MISSING_MERGE_KEY,
        MERGE_KEY_MISMATCH,
        DUPLICATE_KEY,
        TOLERATION_EXISTS_WITH_VALUE,
        INDEX_NOT_KEYED,
        INDEX_TYPE_MISMATCH,
        APPEND_TO_NON_LIST,
        INVALID_DURATION,
        INVALID_ENV_NAME,
    ];
}
