//! Each space's limits per rollout stage. A space starts with the defaults below and
//! keeps a row only for a stage it changed. The limits bound what a promotion may
//! expose: the environments its active grants may use, how many external capabilities
//! may be active, and the audience cap the runtime reports against.

use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::AppError;
use crate::domain::audit::{AuditActor, Change, record};
use crate::domain::authz::Action;
use crate::domain::entities::{environment, stage_limit};
use crate::domain::spaces::space_for;
use crate::domain::validate::check_text;
use crate::domain::{Actor, Ctx, db, now};
use crate::types::{SpaceId, SpaceLimitsView, StageLimitsView, TenantId, stage_name};

pub const STAGES: [u8; 4] = [1, 2, 3, 4];
/// Most approvals a space may ask for one promotion.
pub const MAX_APPROVALS: u8 = 5;
pub const MAX_ATTESTATIONS: usize = 5;
pub const MAX_ATTESTATION_PROMPT: usize = 300;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub stage: u8,
    /// `None`: every environment of the space.
    pub environments: Option<Vec<String>>,
    pub max_external: Option<u32>,
    pub audience_cap: Option<u32>,
    pub approvals_required: u8,
    pub attestations: Vec<String>,
    pub customized: bool,
}

/// The defaults: a pilot runs in the sandbox on built-in surfaces only; bounded
/// production opens the other environments and at most two external systems; later
/// stages widen.
pub fn default_for(stage: u8) -> Limits {
    let envs = |names: &[&str]| Some(names.iter().map(|s| s.to_string()).collect());
    let (environments, max_external, audience_cap, approvals_required) = match stage {
        1 => (envs(&["sandbox"]), Some(0), Some(50), 0),
        2 => (None, Some(2), Some(1_000), 1),
        3 => (None, Some(5), Some(25_000), 2),
        _ => (None, None, None, 2),
    };
    Limits {
        stage,
        environments,
        max_external,
        audience_cap,
        approvals_required,
        attestations: Vec::new(),
        customized: false,
    }
}

impl Limits {
    fn from_row(row: &stage_limit::Model) -> Self {
        let stage = u8::try_from(row.stage).unwrap_or(1);
        Limits {
            stage,
            environments: row
                .environments
                .as_deref()
                .map(|e| serde_json::from_str(e).unwrap_or_default()),
            max_external: row.max_external.and_then(|n| u32::try_from(n).ok()),
            audience_cap: row.audience_cap.and_then(|n| u32::try_from(n).ok()),
            approvals_required: u8::try_from(row.approvals_required).unwrap_or(1),
            attestations: serde_json::from_str(&row.attestations).unwrap_or_default(),
            customized: true,
        }
    }

    /// Whether a grant may work in `env` at this stage.
    pub fn allows_environment(&self, env: &str) -> bool {
        self.environments
            .as_ref()
            .is_none_or(|list| list.iter().any(|e| e == env))
    }

    /// A fingerprint of what an approval was given against.
    pub fn fingerprint(&self) -> String {
        format!(
            "{:?}|{:?}|{:?}|{}|{:?}",
            self.environments,
            self.max_external,
            self.audience_cap,
            self.approvals_required,
            self.attestations
        )
    }

    pub fn view(&self) -> StageLimitsView {
        StageLimitsView {
            stage: self.stage,
            stage_name: stage_name(self.stage).to_string(),
            environments: self.environments.clone(),
            max_external: self.max_external,
            audience_cap: self.audience_cap,
            approvals_required: self.approvals_required,
            attestations: self.attestations.clone(),
            customized: self.customized,
        }
    }
}

/// The four stages' limits of a space, defaults where it kept them.
pub async fn load(db: &impl ConnectionTrait, space_id: &str) -> Result<Vec<Limits>, AppError> {
    let rows = stage_limit::Entity::find()
        .filter(stage_limit::Column::SpaceId.eq(space_id))
        .all(db)
        .await?;
    Ok(STAGES
        .iter()
        .map(|&stage| {
            rows.iter()
                .find(|r| r.stage == i16::from(stage))
                .map_or_else(|| default_for(stage), Limits::from_row)
        })
        .collect())
}

/// One stage's limits out of `load`'s four.
pub fn of(all: &[Limits], stage: u8) -> Limits {
    all.iter()
        .find(|l| l.stage == stage)
        .cloned()
        .unwrap_or_else(|| default_for(stage))
}

pub async fn space_limits(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
) -> Result<SpaceLimitsView, AppError> {
    let found = space_for(ctx, actor, space_id, Action::ViewSpace).await?;
    let can_edit = crate::domain::authz::authorize(
        actor,
        Action::SetStageLimits,
        crate::domain::authz::Scope::Space {
            access: &found.access,
            tenant: &TenantId::from_db(found.space.tenant_id.clone()),
            space: space_id,
        },
    )
    .is_ok();
    let limits = load(&ctx.db, space_id.as_str()).await?;
    Ok(SpaceLimitsView {
        space_id: space_id.to_string(),
        stages: limits.iter().map(Limits::view).collect(),
        environments: space_environments(&ctx.db, space_id.as_str()).await?,
        can_edit,
    })
}

async fn space_environments(
    db: &impl ConnectionTrait,
    space_id: &str,
) -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = environment::Entity::find()
        .filter(environment::Column::SpaceId.eq(space_id))
        .all(db)
        .await?
        .into_iter()
        .map(|e| e.name)
        .collect();
    names.sort();
    Ok(names)
}

/// A stage's limits as a form sends them: numbers as text, empty for "no limit".
#[derive(Debug, Clone, Default)]
pub struct LimitsInput<'a> {
    /// `None`: every environment of the space.
    pub environments: Option<&'a [String]>,
    pub max_external: &'a str,
    pub audience_cap: &'a str,
    pub approvals_required: &'a str,
    /// One statement a line.
    pub attestations: &'a str,
}

fn optional_count(field: &str, raw: &str, max: u32) -> Result<Option<u32>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<u32>() {
        Ok(n) if n <= max => Ok(Some(n)),
        _ => Err(AppError::invalid(
            field,
            format!("a whole number from 0 to {max}, or empty for no limit"),
        )),
    }
}

/// Checks a stage's new limits: every field is validated before anything is written.
pub fn parse(
    stage: u8,
    input: &LimitsInput<'_>,
    known_envs: &[String],
) -> Result<Limits, AppError> {
    if !STAGES.contains(&stage) {
        return Err(AppError::invalid("stage", "must be 1, 2, 3 or 4"));
    }
    let environments = match input.environments {
        None => None,
        Some(list) => {
            let mut chosen: Vec<String> = Vec::new();
            for env in list.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
                if !known_envs.iter().any(|k| k == env) {
                    return Err(AppError::invalid(
                        "environments",
                        format!("this space has no environment named “{env}”"),
                    ));
                }
                if !chosen.iter().any(|c| c == env) {
                    chosen.push(env.to_string());
                }
            }
            chosen.sort();
            Some(chosen)
        }
    };
    let max_external = optional_count("max_external", input.max_external, 1_000)?;
    let audience_cap = optional_count("audience_cap", input.audience_cap, 1_000_000_000)?;
    let approvals_required = if stage == 1 {
        0
    } else {
        match input.approvals_required.trim().parse::<u8>() {
            Ok(n) if (1..=MAX_APPROVALS).contains(&n) => n,
            _ => {
                return Err(AppError::invalid(
                    "approvals_required",
                    format!(
                        "from 1 to {MAX_APPROVALS}: a promotion always needs a second person (an owner can break glass)"
                    ),
                ));
            }
        }
    };
    let mut attestations = Vec::new();
    for line in input.attestations.lines() {
        let line = check_text("attestations", line, MAX_ATTESTATION_PROMPT)?;
        if !line.is_empty() {
            attestations.push(line);
        }
    }
    if attestations.len() > MAX_ATTESTATIONS {
        return Err(AppError::invalid(
            "attestations",
            format!("at most {MAX_ATTESTATIONS} statements, one a line"),
        ));
    }
    Ok(Limits {
        stage,
        environments,
        max_external,
        audience_cap,
        approvals_required,
        attestations,
        customized: true,
    })
}

/// Sets one stage's limits for a space. Approvals already given to promotions in the
/// space stop counting when the limits of their stage change (their basis moves).
pub async fn set_limits(
    ctx: &Ctx,
    actor: &Actor,
    space_id: &SpaceId,
    stage: u8,
    input: LimitsInput<'_>,
) -> Result<(), AppError> {
    let found = space_for(ctx, actor, space_id, Action::SetStageLimits).await?;
    let envs = space_environments(&ctx.db, space_id.as_str()).await?;
    // The page has one form per stage: the field names which stage's form erred.
    let limits = parse(stage, &input, &envs).map_err(|e| match e {
        AppError::Invalid { field, message } if field != "stage" => AppError::Invalid {
            field: format!("stage{stage}.{field}"),
            message,
        },
        other => other,
    })?;
    let Actor::Console(user) = actor;
    let txn = db::begin_write(&ctx.db).await?;
    let existing = stage_limit::Entity::find()
        .filter(stage_limit::Column::SpaceId.eq(space_id.as_str()))
        .filter(stage_limit::Column::Stage.eq(i16::from(stage)))
        .one(&txn)
        .await?;
    let environments = limits
        .environments
        .as_ref()
        .map(|e| serde_json::to_string(e).unwrap_or_default());
    let to_i32 = |n: Option<u32>| n.and_then(|n| i32::try_from(n).ok());
    let attestations = serde_json::to_string(&limits.attestations).unwrap_or_default();
    let tenant = TenantId::from_db(found.space.tenant_id.clone());
    match existing {
        Some(before) => {
            let mut row: stage_limit::ActiveModel = before.clone().into();
            row.environments = Set(environments);
            row.max_external = Set(to_i32(limits.max_external));
            row.audience_cap = Set(to_i32(limits.audience_cap));
            row.approvals_required = Set(i16::from(limits.approvals_required));
            row.attestations = Set(attestations);
            row.updated_by = Set(user.user_id.to_string());
            row.updated_at = Set(now());
            let after = row.update(&txn).await?;
            record(
                &txn,
                &tenant,
                &AuditActor::of(actor),
                Change::updated("stage_limits.updated", &before, &after),
            )
            .await?;
        }
        None => {
            let after = stage_limit::ActiveModel {
                id: Set(uuid::Uuid::now_v7().to_string()),
                space_id: Set(space_id.to_string()),
                stage: Set(i16::from(stage)),
                environments: Set(environments),
                max_external: Set(to_i32(limits.max_external)),
                audience_cap: Set(to_i32(limits.audience_cap)),
                approvals_required: Set(i16::from(limits.approvals_required)),
                attestations: Set(attestations),
                updated_by: Set(user.user_id.to_string()),
                updated_at: Set(now()),
            }
            .insert(&txn)
            .await?;
            record(
                &txn,
                &tenant,
                &AuditActor::of(actor),
                Change::created("stage_limits.updated", &after),
            )
            .await?;
        }
    }
    // The audience cap is part of every persona's policy document.
    crate::domain::runtime::changes::policy_changed(&txn, space_id.as_str(), None).await?;
    ctx.runtime
        .commit(&ctx.db, txn, &[space_id.to_string()])
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envs() -> Vec<String> {
        vec!["production".into(), "sandbox".into()]
    }

    #[test]
    fn defaults_keep_a_pilot_in_the_sandbox_without_external_systems() {
        let pilot = default_for(1);
        assert!(pilot.allows_environment("sandbox"));
        assert!(!pilot.allows_environment("production"));
        assert_eq!(pilot.max_external, Some(0));
        assert_eq!(default_for(2).approvals_required, 1);
        assert_eq!(default_for(3).approvals_required, 2);
        assert_eq!(default_for(4).approvals_required, 2);
        assert!(default_for(4).allows_environment("anything"));
    }

    #[test]
    fn parsing_refuses_unknown_environments_zero_approvals_and_bad_numbers() {
        let base = LimitsInput {
            environments: None,
            max_external: "2",
            audience_cap: "",
            approvals_required: "1",
            attestations: "",
        };
        assert!(parse(2, &base, &envs()).is_ok());
        let unknown = vec!["staging".to_string()];
        let bad_env = LimitsInput {
            environments: Some(&unknown),
            ..base.clone()
        };
        assert!(
            matches!(parse(2, &bad_env, &envs()), Err(AppError::Invalid { field, .. }) if field == "environments")
        );
        let zero = LimitsInput {
            approvals_required: "0",
            ..base.clone()
        };
        assert!(
            matches!(parse(3, &zero, &envs()), Err(AppError::Invalid { field, .. }) if field == "approvals_required")
        );
        let negative = LimitsInput {
            max_external: "-1",
            ..base.clone()
        };
        assert!(
            matches!(parse(2, &negative, &envs()), Err(AppError::Invalid { field, .. }) if field == "max_external")
        );
        assert!(parse(5, &base, &envs()).is_err());
        // Stage 1 is where personas start: nothing approves a promotion to it.
        assert_eq!(
            parse(1, &zero, &envs()).map(|l| l.approvals_required).ok(),
            Some(0)
        );
    }

    #[test]
    fn attestations_are_one_a_line_and_bounded() {
        let many = "a\nb\nc\nd\ne\nf";
        let input = LimitsInput {
            approvals_required: "2",
            attestations: many,
            ..Default::default()
        };
        assert!(parse(3, &input, &envs()).is_err());
        let some = LimitsInput {
            attestations: "Support knows how to step in\n\n  Legal reviewed the wording  ",
            ..input
        };
        assert_eq!(
            parse(3, &some, &envs()).map(|l| l.attestations).ok(),
            Some(vec![
                "Support knows how to step in".to_string(),
                "Legal reviewed the wording".to_string()
            ])
        );
    }
}
