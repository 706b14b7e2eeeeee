//! The stable codes of semantic diagnostics (documented in `docs/diagnostics.md`).

pub const UNRESOLVED_IMPORT: &str = "unresolved-import";
pub const IMPORT_ESCAPES_WORKSPACE: &str = "import-escapes-workspace";
pub const IMPORT_CYCLE: &str = "import-cycle";
pub const UNUSED_IMPORT: &str = "unused-import";
pub const DUPLICATE_DEFINITION: &str = "duplicate-definition";
pub const DUPLICATE_WORKFLOW: &str = "duplicate-workflow";
pub const UNKNOWN_NAME: &str = "unknown-name";
pub const WRONG_ITEM_KIND: &str = "wrong-item-kind";
pub const EXTENDS_CYCLE: &str = "extends-cycle";
pub const MISSING_FILE: &str = "missing-file";
pub const BARE_NAME: &str = "bare-name";
pub const UNKNOWN_TYPE: &str = "unknown-type";
pub const DUPLICATE_PARAMETER: &str = "duplicate-parameter";
pub const TYPE_MISMATCH: &str = "type-mismatch";
pub const UNKNOWN_INPUT: &str = "unknown-input";
pub const PLACEHOLDER_NOT_SUBSTITUTED: &str = "placeholder-not-substituted";
/// An environment variable named `SKIFF_INPUT_...`, the prefix of the variables that pass
/// parameters.
pub const RESERVED_ENV_NAME: &str = "reserved-env-name";
pub const INVALID_SKIFF_FIELD: &str = "invalid-skiff-field";
pub const DUPLICATE_BINDING: &str = "duplicate-binding";
pub const UNKNOWN_ARGUMENT: &str = "unknown-argument";
pub const DUPLICATE_ARGUMENT: &str = "duplicate-argument";
pub const MISSING_ARGUMENT: &str = "missing-argument";
pub const USED_BEFORE_DEFINED: &str = "used-before-defined";
pub const INVALID_OVERRIDE: &str = "invalid-override";
pub const MISSING_RETURN: &str = "missing-return";
pub const DUPLICATE_RETURN: &str = "duplicate-return";
pub const INVALID_CONFIG: &str = "invalid-config";
/// A template container that matches no container of the pod and has no image.
pub const UNMATCHED_CONTAINER: &str = "unmatched-container";
/// A layer removed the primary container.
pub const MISSING_PRIMARY_CONTAINER: &str = "missing-primary-container";
pub const MISSING_IMAGE: &str = "missing-image";
/// A layer the merge engine refuses (a directive the API server refuses too).
pub const INVALID_MERGE: &str = "invalid-merge";
/// A template file that is not a PodTemplate YAML document.
pub const INVALID_TEMPLATE_FILE: &str = "invalid-template-file";

/// Every semantic code, for the test that `docs/diagnostics.md` documents them all.
pub const ALL: &[&str] = &[
    UNRESOLVED_IMPORT,
    IMPORT_ESCAPES_WORKSPACE,
    IMPORT_CYCLE,
    UNUSED_IMPORT,
    DUPLICATE_DEFINITION,
    DUPLICATE_WORKFLOW,
    UNKNOWN_NAME,
    WRONG_ITEM_KIND,
    EXTENDS_CYCLE,
    MISSING_FILE,
    BARE_NAME,
    UNKNOWN_TYPE,
    DUPLICATE_PARAMETER,
    TYPE_MISMATCH,
    UNKNOWN_INPUT,
    PLACEHOLDER_NOT_SUBSTITUTED,
    RESERVED_ENV_NAME,
    INVALID_SKIFF_FIELD,
    DUPLICATE_BINDING,
    UNKNOWN_ARGUMENT,
    DUPLICATE_ARGUMENT,
    MISSING_ARGUMENT,
    USED_BEFORE_DEFINED,
    INVALID_OVERRIDE,
    MISSING_RETURN,
    DUPLICATE_RETURN,
    INVALID_CONFIG,
    UNMATCHED_CONTAINER,
    MISSING_PRIMARY_CONTAINER,
    MISSING_IMAGE,
    INVALID_MERGE,
    INVALID_TEMPLATE_FILE,
];
