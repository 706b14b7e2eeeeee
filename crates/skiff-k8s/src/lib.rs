//! placeholder
#[cfg(test)]
mod scratch {
    #[test]
    fn dump() {
        let t = std::time::Instant::now();
        let s = schemars::schema_for!(k8s_openapi::api::core::v1::PodTemplateSpec);
        let v = serde_json::to_value(&s).unwrap();
        eprintln!("took {:?}", t.elapsed());
        std::fs::write("/tmp/podtemplatespec.json", serde_json::to_string_pretty(&v).unwrap()).unwrap();
    }
}
