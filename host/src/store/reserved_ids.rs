//! Org ids the platform keeps for itself. No tenant org, sub-account, token
//! or API key may carry one: each names something the host uses internally,
//! and an org that held it would borrow that thing's standing.

/// The reserved ids and what each one is used for.
pub const RESERVED_ORG_IDS: [(&str, &str); 5] = [
    (
        "atlas",
        "the built-in publisher, whose versions skip review and run everywhere",
    ),
    ("platform", "the org of platform admins' tokens"),
    (
        "system",
        "the host's own runs and records (manifest calls, built-in publishing)",
    ),
    (
        "local",
        "`atlas plugin run` and the runtime's default context",
    ),
    ("builtin", "the kind and install status of built-in actions"),
];

/// The org platform-admin tokens carry: reserved, never a tenant.
pub const PLATFORM_ORG: &str = "platform";

/// True when `id` is reserved, in any letter case.
pub fn is_reserved_org_id(id: &str) -> bool {
    RESERVED_ORG_IDS
        .iter()
        .any(|(reserved, _)| reserved.eq_ignore_ascii_case(id))
}

/// `Err` with a sentence naming the reserved id and its use.
pub fn check_not_reserved(id: &str) -> Result<(), String> {
    match RESERVED_ORG_IDS
        .iter()
        .find(|(reserved, _)| reserved.eq_ignore_ascii_case(id))
    {
        Some((reserved, use_)) => Err(format!(
            "the org id `{id}` is reserved for the platform (`{reserved}` is {use_})"
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_ids_are_refused_in_any_case() {
        for id in ["atlas", "ATLAS", "Platform", "system", "local", "builtin"] {
            assert!(is_reserved_org_id(id), "{id}");
            assert!(check_not_reserved(id).unwrap_err().contains("reserved"));
        }
        for id in ["atlas-gym", "demo", "org-test", "platforms"] {
            assert!(!is_reserved_org_id(id), "{id}");
            assert!(check_not_reserved(id).is_ok());
        }
    }
}
