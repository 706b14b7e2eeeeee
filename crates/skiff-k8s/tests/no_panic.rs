//! No input makes the Kubernetes rules panic: random text through the parsers of quantities,
//! durations and names.

use proptest::prelude::*;
use skiff_k8s::{duration, names, quantity};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsers_never_panic(text in "\\PC{0,40}") {
        let _ = quantity::parse_quantity(&text);
        let _ = quantity::suggest_quantity(&text);
        let _ = quantity::memory_hint(&text);
        let _ = duration::parse_duration(&text);
        let _ = duration::suggest_duration(&text);
        let _ = names::check_label_key(&text);
        let _ = names::check_label_value(&text);
        let _ = names::check_dns1123_subdomain(&text);
        prop_assert!(names::is_dns1123_label(&names::to_dns1123_label(&text)));
        if let Some(value) = names::to_label_value(&text) {
            prop_assert!(names::is_label_value(&value));
        }
        let _ = names::suggest(&text, ["nodeSelector", "tolerations"]);
    }

    #[test]
    fn quantity_suggestions_are_valid_quantities(text in "[0-9. +-]{0,4}[a-zA-Z ]{0,4}") {
        if let Some(suggestion) = quantity::suggest_quantity(&text) {
            prop_assert!(quantity::parse_quantity(&suggestion).is_ok(), "{text} -> {suggestion}");
        }
    }

    #[test]
    fn quantity_order_matches_integer_order(a in any::<i64>(), b in any::<i64>()) {
        let qa = quantity::parse_quantity(&a.to_string()).unwrap();
        let qb = quantity::parse_quantity(&format!("{b}000m")).unwrap();
        prop_assert_eq!(qa.cmp(&qb), a.cmp(&b));
    }
}
