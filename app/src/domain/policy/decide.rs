//! The decision rule of the runtime contract (RUNTIME-API.md, "Decision"), in its order:
//! 1. any engaged kill-switch covering the persona or the capability → deny `kill_switch`;
//! 2. no grant for the capability (or the action) → deny `no_grant`;
//! 3. the grant's minimum stage above the persona's stage → deny `stage`;
//! 4. the environment not in the grant → deny `environment`;
//! 5. the requested access above the grant (`write` on a `read` grant) → deny `access`;
//! 6. a grant at `approval` → `needs_approval`;
//! 7. otherwise allow, `granted`.
//!
//! Which grant applies: one naming the requested action wins over one for the whole
//! capability, so an operator can open a capability for reading and hold one risky
//! action at `approval`.

use crate::types::Access;

/// A grant as the decision sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRule {
    /// The capability's key (`crm`, `chat`…).
    pub capability: String,
    /// `None`: every action of the capability.
    pub action: Option<String>,
    pub access: Access,
    pub environments: Vec<String>,
    pub min_stage: u8,
}

/// What a persona may do, with everything that can stop it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonaPolicy {
    pub stage: u8,
    /// An engaged switch at the tenant, space, app or persona level.
    pub halted: bool,
    /// Capabilities stopped by a capability-level switch in the space.
    pub halted_capabilities: Vec<String>,
    pub grants: Vec<GrantRule>,
}

/// What the runtime asks for: read (look) or write (act).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Requested {
    Read,
    Write,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask<'a> {
    pub capability: &'a str,
    pub action: Option<&'a str>,
    pub access: Requested,
    pub environment: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
    NeedsApproval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    KillSwitch,
    NoGrant,
    Stage,
    Environment,
    Access,
    ApprovalRequired,
    Granted,
}

impl Reason {
    /// The contract's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::KillSwitch => "kill_switch",
            Reason::NoGrant => "no_grant",
            Reason::Stage => "stage",
            Reason::Environment => "environment",
            Reason::Access => "access",
            Reason::ApprovalRequired => "approval_required",
            Reason::Granted => "granted",
        }
    }
}

/// How far a grant lets a persona go: `approval` reaches as far as `write` (it acts, once
/// a person approves), `denied` not even as far as reading.
fn reach(access: Access) -> u8 {
    match access {
        Access::Denied => 0,
        Access::Read => 1,
        Access::Approval | Access::Write => 2,
    }
}

fn wants(requested: Requested) -> u8 {
    match requested {
        Requested::Read => 1,
        Requested::Write => 2,
    }
}

/// The grant that governs `ask`: the action's own grant if there is one, else the
/// capability-wide grant.
pub fn governing_grant<'p>(policy: &'p PersonaPolicy, ask: &Ask<'_>) -> Option<&'p GrantRule> {
    let for_capability = |g: &&GrantRule| g.capability == ask.capability;
    ask.action
        .and_then(|action| {
            policy
                .grants
                .iter()
                .filter(for_capability)
                .find(|g| g.action.as_deref() == Some(action))
        })
        .or_else(|| {
            policy
                .grants
                .iter()
                .filter(for_capability)
                .find(|g| g.action.is_none())
        })
}

pub fn decide(policy: &PersonaPolicy, ask: &Ask<'_>) -> (Verdict, Reason) {
    if policy.halted
        || policy
            .halted_capabilities
            .iter()
            .any(|c| c == ask.capability)
    {
        return (Verdict::Deny, Reason::KillSwitch);
    }
    let Some(grant) = governing_grant(policy, ask) else {
        return (Verdict::Deny, Reason::NoGrant);
    };
    if grant.min_stage > policy.stage {
        return (Verdict::Deny, Reason::Stage);
    }
    if !grant.environments.iter().any(|e| e == ask.environment) {
        return (Verdict::Deny, Reason::Environment);
    }
    if wants(ask.access) > reach(grant.access) {
        return (Verdict::Deny, Reason::Access);
    }
    if grant.access == Access::Approval {
        return (Verdict::NeedsApproval, Reason::ApprovalRequired);
    }
    (Verdict::Allow, Reason::Granted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn grant(cap: &str, action: Option<&str>, access: Access, envs: &[&str], min: u8) -> GrantRule {
        GrantRule {
            capability: cap.into(),
            action: action.map(Into::into),
            access,
            environments: envs.iter().map(|e| (*e).to_string()).collect(),
            min_stage: min,
        }
    }

    fn ask<'a>(cap: &'a str, action: Option<&'a str>, access: Requested, env: &'a str) -> Ask<'a> {
        Ask {
            capability: cap,
            action,
            access,
            environment: env,
        }
    }

    #[test]
    fn each_rule_answers_in_the_contracts_order() {
        let policy = PersonaPolicy {
            stage: 2,
            halted: false,
            halted_capabilities: vec![],
            grants: vec![
                grant("crm", None, Access::Read, &["sandbox", "production"], 1),
                grant(
                    "crm",
                    Some("issue_credit"),
                    Access::Approval,
                    &["production"],
                    2,
                ),
                grant("billing", None, Access::Write, &["production"], 3),
                grant("chat", None, Access::Write, &["sandbox"], 1),
                grant("kv", None, Access::Denied, &["sandbox"], 1),
            ],
        };
        let cases = [
            (
                ask("tickets", None, Requested::Read, "sandbox"),
                (Verdict::Deny, Reason::NoGrant),
            ),
            (
                ask("billing", None, Requested::Read, "production"),
                (Verdict::Deny, Reason::Stage),
            ),
            (
                ask("chat", None, Requested::Write, "production"),
                (Verdict::Deny, Reason::Environment),
            ),
            (
                ask("crm", None, Requested::Write, "sandbox"),
                (Verdict::Deny, Reason::Access),
            ),
            (
                ask("kv", None, Requested::Read, "sandbox"),
                (Verdict::Deny, Reason::Access),
            ),
            (
                ask("crm", Some("issue_credit"), Requested::Write, "production"),
                (Verdict::NeedsApproval, Reason::ApprovalRequired),
            ),
            // The action's own grant governs: not open in sandbox even though crm is.
            (
                ask("crm", Some("issue_credit"), Requested::Read, "sandbox"),
                (Verdict::Deny, Reason::Environment),
            ),
            // Another action falls back to the capability-wide grant.
            (
                ask("crm", Some("lookup"), Requested::Read, "sandbox"),
                (Verdict::Allow, Reason::Granted),
            ),
            (
                ask("chat", None, Requested::Write, "sandbox"),
                (Verdict::Allow, Reason::Granted),
            ),
        ];
        for (a, want) in cases {
            assert_eq!(decide(&policy, &a), want, "{a:?}");
        }
        // A switch beats everything, even a request that would be allowed.
        let halted = PersonaPolicy {
            halted: true,
            ..policy.clone()
        };
        assert_eq!(
            decide(&halted, &ask("chat", None, Requested::Write, "sandbox")),
            (Verdict::Deny, Reason::KillSwitch)
        );
        let cap_halted = PersonaPolicy {
            halted_capabilities: vec!["chat".into()],
            ..policy
        };
        assert_eq!(
            decide(&cap_halted, &ask("chat", None, Requested::Read, "sandbox")),
            (Verdict::Deny, Reason::KillSwitch)
        );
        assert_eq!(
            decide(&cap_halted, &ask("crm", None, Requested::Read, "sandbox")),
            (Verdict::Allow, Reason::Granted),
            "a capability switch stops only that capability"
        );
    }

    /// The reference model: the same rules written as plainly as possible, as a list of
    /// (condition, answer) pairs over an explicitly chosen grant, with none of the
    /// shortcuts above. The two must always agree.
    fn reference(p: &PersonaPolicy, a: &Ask<'_>) -> (Verdict, Reason) {
        let mut matching: Vec<&GrantRule> = Vec::new();
        for g in &p.grants {
            if g.capability == a.capability && a.action.is_some() && g.action.as_deref() == a.action
            {
                matching.push(g);
            }
        }
        if matching.is_empty() {
            for g in &p.grants {
                if g.capability == a.capability && g.action.is_none() {
                    matching.push(g);
                }
            }
        }
        let chosen = matching.first().copied();
        let capability_halted = p.halted_capabilities.contains(&a.capability.to_string());
        let checks: Vec<(bool, (Verdict, Reason))> = vec![
            (
                p.halted || capability_halted,
                (Verdict::Deny, Reason::KillSwitch),
            ),
            (chosen.is_none(), (Verdict::Deny, Reason::NoGrant)),
            (
                chosen.is_some_and(|g| g.min_stage > p.stage),
                (Verdict::Deny, Reason::Stage),
            ),
            (
                chosen.is_some_and(|g| !g.environments.contains(&a.environment.to_string())),
                (Verdict::Deny, Reason::Environment),
            ),
            (
                chosen.is_some_and(|g| {
                    matches!(
                        (g.access, a.access),
                        (Access::Denied, _) | (Access::Read, Requested::Write)
                    )
                }),
                (Verdict::Deny, Reason::Access),
            ),
            (
                chosen.is_some_and(|g| g.access == Access::Approval),
                (Verdict::NeedsApproval, Reason::ApprovalRequired),
            ),
        ];
        checks
            .into_iter()
            .find(|(hit, _)| *hit)
            .map(|(_, answer)| answer)
            .unwrap_or((Verdict::Allow, Reason::Granted))
    }

    const CAPS: [&str; 3] = ["crm", "chat", "billing"];
    const ACTIONS: [&str; 2] = ["lookup", "refund"];
    const ENVS: [&str; 3] = ["sandbox", "staging", "production"];

    fn any_access() -> impl Strategy<Value = Access> {
        prop_oneof![
            Just(Access::Denied),
            Just(Access::Read),
            Just(Access::Approval),
            Just(Access::Write)
        ]
    }

    fn any_grant() -> impl Strategy<Value = GrantRule> {
        (
            0..CAPS.len(),
            prop::option::of(0..ACTIONS.len()),
            any_access(),
            prop::collection::vec(0..ENVS.len(), 0..=3),
            1u8..=4,
        )
            .prop_map(|(c, a, access, envs, min_stage)| GrantRule {
                capability: CAPS[c].into(),
                action: a.map(|a| ACTIONS[a].to_string()),
                access,
                environments: envs.into_iter().map(|e| ENVS[e].to_string()).collect(),
                min_stage,
            })
    }

    /// Policies as the database can hold them: at most one grant per (capability,
    /// action), so "the" governing grant is well defined.
    fn any_policy() -> impl Strategy<Value = PersonaPolicy> {
        (
            1u8..=4,
            prop::bool::weighted(0.1),
            prop::collection::vec(0..CAPS.len(), 0..=1),
            prop::collection::vec(any_grant(), 0..8),
        )
            .prop_map(|(stage, halted, halted_caps, grants)| {
                let mut unique: Vec<GrantRule> = Vec::new();
                for g in grants {
                    if !unique
                        .iter()
                        .any(|u| u.capability == g.capability && u.action == g.action)
                    {
                        unique.push(g);
                    }
                }
                PersonaPolicy {
                    stage,
                    halted,
                    halted_capabilities: halted_caps
                        .into_iter()
                        .map(|c| CAPS[c].to_string())
                        .collect(),
                    grants: unique,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn decide_always_agrees_with_the_reference_model(
            policy in any_policy(),
            cap in 0..CAPS.len(),
            action in prop::option::of(0..ACTIONS.len()),
            write in any::<bool>(),
            env in 0..ENVS.len(),
        ) {
            let a = Ask {
                capability: CAPS[cap],
                action: action.map(|i| ACTIONS[i]),
                access: if write { Requested::Write } else { Requested::Read },
                environment: ENVS[env],
            };
            prop_assert_eq!(decide(&policy, &a), reference(&policy, &a), "{:?} {:?}", policy, a);
        }
    }
}
