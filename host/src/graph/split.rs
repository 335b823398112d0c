//! Sticky A/B assignment: the same contact always takes the same path at the
//! same split node, and contacts spread across paths in proportion to the
//! weights.

use sha2::{Digest, Sha256};

use super::model::Variant;

/// The name of the variant `contact_id` takes at split node `node_id`.
///
/// The first 8 bytes of `sha256(contact_id ‖ 0x00 ‖ node_id)`, read as a
/// big-endian integer, are scaled onto the sum of the weights and looked up in
/// the cumulative weights. Returns `""` for an empty list, and the first
/// variant when every weight is zero.
pub fn ab_variant<'v>(contact_id: &str, node_id: &str, variants: &'v [Variant]) -> &'v str {
    let Some(first) = variants.first() else {
        return "";
    };
    let total: u64 = variants
        .iter()
        .map(|variant| u64::from(variant.weight))
        .sum();
    if total == 0 {
        return &first.name;
    }
    let mut hasher = Sha256::new();
    hasher.update(contact_id.as_bytes());
    hasher.update([0u8]);
    hasher.update(node_id.as_bytes());
    let digest = hasher.finalize();
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&digest[..8]);
    let hash = u64::from_be_bytes(prefix);
    // Multiply-shift maps the hash uniformly onto 0..total.
    let point = ((u128::from(hash) * u128::from(total)) >> 64) as u64;
    let mut cumulative = 0u64;
    for variant in variants {
        cumulative += u64::from(variant.weight);
        if point < cumulative {
            return &variant.name;
        }
    }
    &first.name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variants(weights: &[(&str, u32)]) -> Vec<Variant> {
        weights
            .iter()
            .map(|(name, weight)| Variant {
                name: (*name).to_owned(),
                weight: *weight,
            })
            .collect()
    }

    #[test]
    fn sticky_per_contact_and_node() {
        let split = variants(&[("a", 50), ("b", 50)]);
        for contact in 0..200 {
            let id = format!("contact-{contact}");
            let first = ab_variant(&id, "split1", &split);
            for _ in 0..3 {
                assert_eq!(ab_variant(&id, "split1", &split), first);
            }
        }
    }

    #[test]
    fn different_nodes_split_independently() {
        let split = variants(&[("a", 50), ("b", 50)]);
        let differing = (0..1_000)
            .filter(|contact| {
                let id = contact.to_string();
                ab_variant(&id, "split1", &split) != ab_variant(&id, "split2", &split)
            })
            .count();
        assert!((400..=600).contains(&differing), "{differing}");
    }

    #[test]
    fn ten_thousand_contacts_follow_the_weights() {
        let split = variants(&[("a", 20), ("b", 30), ("c", 50)]);
        let mut counts = [0usize; 3];
        for contact in 0..10_000 {
            let name = ab_variant(&format!("c{contact}"), "n7", &split);
            counts[split.iter().position(|v| v.name == name).unwrap()] += 1;
        }
        for (count, expected) in counts.iter().zip([2_000, 3_000, 5_000]) {
            let deviation = (*count as f64 - expected as f64).abs() / 10_000.0;
            assert!(deviation < 0.02, "{counts:?}");
        }
    }

    #[test]
    fn uneven_five_way_split() {
        let split = variants(&[("a", 1), ("b", 100), ("c", 10), ("d", 40), ("e", 49)]);
        let mut counts = std::collections::HashMap::new();
        for contact in 0..10_000 {
            *counts
                .entry(ab_variant(&contact.to_string(), "n", &split))
                .or_insert(0usize) += 1;
        }
        let total = 200.0;
        for variant in &split {
            let share = counts.get(variant.name.as_str()).copied().unwrap_or(0) as f64 / 10_000.0;
            let expected = f64::from(variant.weight) / total;
            assert!(
                (share - expected).abs() < 0.02,
                "{}: {share} vs {expected}",
                variant.name
            );
        }
    }

    #[test]
    fn degenerate_inputs() {
        assert_eq!(ab_variant("c", "n", &[]), "");
        assert_eq!(ab_variant("c", "n", &variants(&[("a", 0), ("b", 0)])), "a");
        assert_eq!(ab_variant("c", "n", &variants(&[("only", 5)])), "only");
    }
}
