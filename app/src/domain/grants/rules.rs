//! The rules a grant must satisfy, as a pure function of the input and the facts of the
//! persona's space, so each rule is tested on its own.

use crate::AppError;
use crate::domain::entities::{capability, capability_action};
use crate::domain::validate::check_text;
use crate::types::{Access, ActionKind};

pub struct GrantInput<'a> {
    /// Empty: the grant covers the whole capability.
    pub action: &'a str,
    /// Empty: the default (`approval` for risky actions, `read` otherwise).
    pub access: &'a str,
    pub environments: &'a [String],
    pub min_stage: &'a str,
    pub reason: &'a str,
}

pub struct GrantFacts<'a> {
    pub capability: &'a capability::Model,
    pub actions: &'a [capability_action::Model],
    pub space_environments: &'a [String],
    /// Whether the actor may lower a risky grant (admins and owners).
    pub may_lower_risk: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedGrant {
    pub action_name: String,
    pub access: Access,
    pub environments: Vec<String>,
    pub min_stage: i16,
    pub reason: Option<String>,
    pub risky: bool,
}

/// Whether an action carries any risk flag (its grants default to `approval`).
pub fn is_risky(a: &capability_action::Model) -> bool {
    crate::domain::capabilities::read::action_view(a).risk.any()
}

pub fn check_grant(
    input: &GrantInput<'_>,
    facts: &GrantFacts<'_>,
) -> Result<CheckedGrant, AppError> {
    if !facts.capability.enabled {
        return Err(AppError::invalid(
            "capability",
            format!("{} is not enabled in this space", facts.capability.name),
        ));
    }
    let action_name = input.action.trim();
    let (risky, read_only) = if action_name.is_empty() {
        // A grant on the whole capability covers every action: risky if any one is.
        (
            facts.actions.iter().any(is_risky),
            facts
                .actions
                .iter()
                .all(|a| a.access == ActionKind::Read.as_str()),
        )
    } else {
        let action = facts
            .actions
            .iter()
            .find(|a| a.name == action_name)
            .ok_or_else(|| {
                AppError::invalid(
                    "action",
                    format!("{} has no action “{action_name}”", facts.capability.name),
                )
            })?;
        (is_risky(action), action.access == ActionKind::Read.as_str())
    };

    let access = match input.access.trim() {
        "" if risky => Access::Approval,
        "" => Access::Read,
        other => Access::parse(other)
            .ok_or_else(|| AppError::invalid("access", "choose read, write, approval or denied"))?,
    };
    if read_only && matches!(access, Access::Write | Access::Approval) {
        return Err(AppError::invalid(
            "access",
            "this only reads: grant read or denied",
        ));
    }

    let mut environments: Vec<String> = Vec::new();
    for env in input.environments {
        let env = env.trim();
        if env.is_empty() {
            continue;
        }
        if !facts.space_environments.iter().any(|e| e == env) {
            return Err(AppError::invalid(
                "environments",
                format!("“{env}” is not an environment of this space"),
            ));
        }
        if environments.iter().any(|e| e == env) {
            return Err(AppError::invalid(
                "environments",
                format!("“{env}” is listed twice"),
            ));
        }
        environments.push(env.to_string());
    }
    if environments.is_empty() && access != Access::Denied {
        return Err(AppError::invalid(
            "environments",
            "choose at least one environment",
        ));
    }

    let min_stage: i16 = match input.min_stage.trim() {
        "" => 1,
        s => s
            .parse()
            .ok()
            .filter(|n| (1..=4).contains(n))
            .ok_or_else(|| AppError::invalid("min_stage", "must be a stage from 1 to 4"))?,
    };

    // Below `approval` for a risky action means acting without a human: only an admin,
    // only with a written reason.
    let lowered = risky && access == Access::Write;
    let reason = check_text("reason", input.reason, 500)?;
    let reason = if lowered {
        if !facts.may_lower_risk {
            return Err(AppError::invalid(
                "access",
                "this action is high-risk, financial, privileged or irreversible: only an admin may grant it without approval",
            ));
        }
        if reason.chars().count() < 10 {
            return Err(AppError::invalid(
                "reason",
                "say in a sentence why this action may run without a human's approval",
            ));
        }
        Some(reason)
    } else {
        None
    };

    Ok(CheckedGrant {
        action_name: action_name.to_string(),
        access,
        environments,
        min_stage,
        reason,
        risky,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cap(enabled: bool) -> capability::Model {
        capability::Model {
            id: "c".into(),
            space_id: "s".into(),
            key: "crm".into(),
            name: "CRM".into(),
            source: "external".into(),
            system_kind: Some("crm".into()),
            endpoint: Some("https://crm.example".into()),
            enabled,
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn action(name: &str, access: &str, financial: bool) -> capability_action::Model {
        capability_action::Model {
            id: name.into(),
            capability_id: "c".into(),
            name: name.into(),
            access: access.into(),
            high_risk: false,
            financial,
            privileged: false,
            irreversible: false,
        }
    }

    struct Case {
        action: &'static str,
        access: &'static str,
        envs: &'static [&'static str],
        stage: &'static str,
        reason: &'static str,
        admin: bool,
        enabled: bool,
    }

    const OK: Case = Case {
        action: "update",
        access: "write",
        envs: &["sandbox"],
        stage: "2",
        reason: "",
        admin: false,
        enabled: true,
    };

    fn run(c: Case) -> Result<CheckedGrant, AppError> {
        let capability = cap(c.enabled);
        let actions = [
            action("lookup", "read", false),
            action("update", "write", false),
            action("refund", "write", true),
        ];
        let envs: Vec<String> = c.envs.iter().map(|s| s.to_string()).collect();
        let space_envs = vec!["sandbox".to_string(), "production".to_string()];
        check_grant(
            &GrantInput {
                action: c.action,
                access: c.access,
                environments: &envs,
                min_stage: c.stage,
                reason: c.reason,
            },
            &GrantFacts {
                capability: &capability,
                actions: &actions,
                space_environments: &space_envs,
                may_lower_risk: c.admin,
            },
        )
    }

    fn field_of(r: Result<CheckedGrant, AppError>) -> String {
        match r {
            Err(AppError::Invalid { field, .. }) => field,
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_plain_grant_passes() {
        let g = run(OK).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.access, Access::Write);
        assert_eq!(g.min_stage, 2);
        assert_eq!(g.reason, None);
    }

    #[test]
    fn each_rule_names_the_field_it_broke() {
        assert_eq!(
            field_of(run(Case {
                enabled: false,
                ..OK
            })),
            "capability"
        );
        assert_eq!(
            field_of(run(Case {
                action: "nope",
                ..OK
            })),
            "action"
        );
        assert_eq!(
            field_of(run(Case {
                access: "admin",
                ..OK
            })),
            "access"
        );
        assert_eq!(
            field_of(run(Case {
                envs: &["staging"],
                ..OK
            })),
            "environments"
        );
        assert_eq!(field_of(run(Case { envs: &[], ..OK })), "environments");
        assert_eq!(
            field_of(run(Case {
                envs: &["sandbox", "sandbox"],
                ..OK
            })),
            "environments"
        );
        for stage in ["0", "5", "two", "-1"] {
            assert_eq!(field_of(run(Case { stage, ..OK })), "min_stage");
        }
        assert_eq!(
            field_of(run(Case {
                action: "lookup",
                access: "write",
                ..OK
            })),
            "access"
        );
    }

    #[test]
    fn risky_actions_default_to_approval() {
        let g = run(Case {
            action: "refund",
            access: "",
            ..OK
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.access, Access::Approval);
        assert!(g.risky);
        // A whole-capability grant covers the risky action too.
        let g = run(Case {
            action: "",
            access: "",
            ..OK
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.access, Access::Approval);
    }

    #[test]
    fn lowering_a_risky_action_needs_an_admin_and_a_reason() {
        let lower = Case {
            action: "refund",
            access: "write",
            ..OK
        };
        assert_eq!(field_of(run(Case { ..lower })), "access");
        assert_eq!(
            field_of(run(Case {
                admin: true,
                ..lower
            })),
            "reason"
        );
        assert_eq!(
            field_of(run(Case {
                admin: true,
                reason: "ok",
                ..lower
            })),
            "reason"
        );
        let g = run(Case {
            admin: true,
            reason: "Refunds under 20 EUR were reviewed by finance.",
            ..lower
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.access, Access::Write);
        assert!(g.reason.is_some());
    }

    #[test]
    fn denied_needs_no_environment() {
        let g = run(Case {
            access: "denied",
            envs: &[],
            ..OK
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.access, Access::Denied);
    }
}
