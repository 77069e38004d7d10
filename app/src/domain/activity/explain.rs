//! A decision's reason in words an operator can act on.

/// Why the runtime got this answer, and for a deny what would let it through.
pub fn explain(reason: &str, capability: &str, action: Option<&str>, environment: &str) -> String {
    let what = match action {
        Some(a) => format!("{capability} / {a}"),
        None => capability.to_string(),
    };
    match reason {
        "kill_switch" => format!(
            "Stopped by an engaged kill-switch covering this persona or {capability}. It holds until a reviewer approves its release."
        ),
        "no_grant" => {
            format!("No grant for {what}. Grant it on the persona page if it should be allowed.")
        }
        "stage" => format!(
            "The grant for {what} starts at a later rollout stage than the persona's current one. Promotion would activate it."
        ),
        "environment" => format!("The grant for {what} does not include {environment}."),
        "access" => format!(
            "The grant for {what} allows less than was asked (e.g. read, and the runtime asked to write)."
        ),
        "approval_required" => {
            format!("{what} needs a person's approval: an item is waiting in the review queue.")
        }
        "granted" => format!("Allowed by the grant for {what} in {environment}."),
        other => format!("Reason: {other}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_of_the_contract_has_words_that_name_what_was_asked() {
        for reason in [
            "kill_switch",
            "no_grant",
            "stage",
            "environment",
            "access",
            "approval_required",
            "granted",
        ] {
            let text = explain(reason, "crm", Some("update_record"), "production");
            assert!(text.contains("crm"), "{reason}: {text}");
            assert!(!text.starts_with("Reason:"), "{reason} has no explanation");
        }
        assert!(explain("environment", "crm", None, "production").contains("production"));
    }
}
