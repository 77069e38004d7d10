//! Rollout stages as a boundary: each space's limits per stage, what each promotion
//! would expose, promotion requests with system-checked gates decided in the review
//! queue by people other than the requester, break-glass promotion by an owner, and
//! immediate demotion. Every stage change commits with its audit entry and the
//! `policy_changed` stream event, through the same path as a kill-switch.

pub mod board;
pub mod charts;
pub mod decide;
pub mod demote;
pub mod exposure;
pub mod gates;
pub mod limits;
pub mod request;
pub mod stage;
pub mod view;

pub use board::board;
pub use decide::decide_promotion;
pub use demote::demote;
pub use limits::{set_limits, space_limits};
pub use request::{break_glass, edit_request, request_promotion};
pub use view::persona_rollout;

use crate::types::AttestationView;

pub const MAX_STATEMENT: usize = 1000;

/// What an approval was given against: the persona's grants, the target stage's limits
/// and the request's version. An approval counts only while all three are unchanged.
pub fn basis(grants: &str, limits: &str, version: i32) -> String {
    format!("grants={grants}\nlimits={limits}\nrequest={version}")
}

/// Why an approval given against `given` no longer counts against `now`; `None` if it
/// still counts.
pub fn void_reason(given: &str, now: &str) -> Option<String> {
    if given == now {
        return None;
    }
    let part = |basis: &str, key: &str| {
        basis
            .lines()
            .find_map(|l| l.strip_prefix(key).map(str::to_string))
    };
    let mut why = Vec::new();
    if part(given, "grants=") != part(now, "grants=") {
        why.push("the persona's grants changed");
    }
    if part(given, "limits=") != part(now, "limits=") {
        why.push("the stage's limits changed");
    }
    if part(given, "request=") != part(now, "request=") {
        why.push("the request was edited");
    }
    if why.is_empty() {
        why.push("what it was given against changed");
    }
    Some(format!("{} after it was given", why.join(" and ")))
}

pub fn parse_attestations(raw: &str) -> Vec<AttestationView> {
    serde_json::from_str::<Vec<(String, String)>>(raw)
        .unwrap_or_default()
        .into_iter()
        .map(|(prompt, statement)| AttestationView { prompt, statement })
        .collect()
}

pub fn store_attestations(list: &[AttestationView]) -> String {
    let pairs: Vec<(&str, &str)> = list
        .iter()
        .map(|a| (a.prompt.as_str(), a.statement.as_str()))
        .collect();
    serde_json::to_string(&pairs).unwrap_or_else(|_| "[]".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_approval_is_void_when_anything_it_was_given_against_moves() {
        let given = basis("g1", "l1", 1);
        assert_eq!(void_reason(&given, &basis("g1", "l1", 1)), None);
        let grants = void_reason(&given, &basis("g2", "l1", 1)).unwrap_or_default();
        assert!(grants.contains("grants changed"), "{grants}");
        let limits = void_reason(&given, &basis("g1", "l2", 1)).unwrap_or_default();
        assert!(limits.contains("limits changed"), "{limits}");
        let both = void_reason(&given, &basis("g1", "l1", 2)).unwrap_or_default();
        assert!(both.contains("request was edited"), "{both}");
    }

    #[test]
    fn attestations_round_trip() {
        let list = vec![AttestationView {
            prompt: "Support can step in".into(),
            statement: "Trained “Tier 2” on 3 Nov".into(),
        }];
        assert_eq!(parse_attestations(&store_attestations(&list)), list);
        assert!(parse_attestations("not json").is_empty());
    }
}
