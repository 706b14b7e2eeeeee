//! Measures how long the schema takes to load, outside the test suite:
//! `cargo run -p skiff-k8s --example schema_load` (add `--release` for an optimized build).
use std::time::Instant;

fn main() {
    let start = Instant::now();
    let generated = schemars::schema_for!(k8s_openapi::api::core::v1::PodTemplateSpec);
    let generate = start.elapsed();
    let start = Instant::now();
    let view = skiff_k8s::schema::Schema::from_json(generated.as_value()).expect("schema");
    let convert = start.elapsed();
    let start = Instant::now();
    let shared = skiff_k8s::schema();
    let first_use = start.elapsed();
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..100_000 {
        found += usize::from(shared.field(shared.pod_spec(), "nodeSelector").is_some());
    }
    let lookups = start.elapsed();
    println!("types: {} ({} in the shared view)", view.types().len(), shared.types().len());
    println!("schemars generation: {generate:?}");
    println!("conversion to the typed view: {convert:?}");
    println!("first use of schema() (both steps): {first_use:?}");
    println!("100000 field lookups: {lookups:?} ({found} found)");
}
