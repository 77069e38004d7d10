//! The one authorization point: `authorize(actor, action, scope)`, deny by default.
//! Services call it first, with the scope they are about to touch; nothing else decides
//! "is this allowed". Answers are `NotFound` for anything outside the actor's reach (so
//! ids of other tenants and unseen spaces leak nothing) and `Forbidden` for a reachable
//! thing the actor's role may not change.

use super::Actor;
use super::access::TenantAccess;
use crate::AppError;
use crate::types::{Role, SpaceId, TenantId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See the tenant's overview (every member).
    ViewTenant,
    /// Read the tenant's audit log (members who reach every space).
    ViewAudit,
    /// List members and teams (members who reach every space).
    ViewMembers,
    /// Add and remove members, change roles, disable users, manage teams.
    ManageMembers,
    /// Make someone an owner or change an owner.
    ManageOwners,
    /// Create a space (members who reach every space).
    CreateSpace,
    /// See a space and everything in it.
    ViewSpace,
    /// Change a space: environments, apps, personas, capabilities, grants.
    EditSpace,
    /// Lower a risky action's grant below `approval` (with a written reason).
    LowerRiskyGrant,
    /// Issue, rotate and revoke the space's runtime tokens.
    ManageTokens,
    /// Engage a kill-switch (a tenant-wide one needs the whole tenant).
    EngageKillSwitch,
    /// Approve or reject a review-queue item of the space.
    DecideReview,
    /// Skip the second person (release a kill-switch, promote a persona at once), with a
    /// written reason.
    BreakGlass,
    /// Ask for a persona's promotion, or demote it at once.
    ChangeStage,
    /// Set a space's limits per rollout stage and the approvals each promotion needs.
    SetStageLimits,
    /// Start, answer, complete and share buyer evaluations (and nothing else).
    Evaluate,
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::ViewTenant,
        Action::ViewAudit,
        Action::ViewMembers,
        Action::ManageMembers,
        Action::ManageOwners,
        Action::CreateSpace,
        Action::ViewSpace,
        Action::EditSpace,
        Action::LowerRiskyGrant,
        Action::ManageTokens,
        Action::EngageKillSwitch,
        Action::DecideReview,
        Action::BreakGlass,
        Action::ChangeStage,
        Action::SetStageLimits,
        Action::Evaluate,
    ];
}

#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// The tenant as a whole.
    Tenant(&'a TenantAccess),
    /// One space: the access of the actor, and the tenant the space belongs to.
    Space {
        access: &'a TenantAccess,
        tenant: &'a TenantId,
        space: &'a SpaceId,
    },
}

/// What a role may do once the scope is reachable.
fn role_allows(role: Role, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Owner => true,
        Role::Admin => !matches!(action, ManageOwners | BreakGlass),
        Role::Operator => matches!(
            action,
            ViewTenant
                | ViewAudit
                | ViewMembers
                | CreateSpace
                | ViewSpace
                | EditSpace
                | ManageTokens
                | EngageKillSwitch
                | ChangeStage
                | Evaluate
        ),
        Role::Reviewer => matches!(
            action,
            ViewTenant | ViewAudit | ViewMembers | ViewSpace | DecideReview | Evaluate
        ),
        Role::Evaluator => matches!(
            action,
            ViewTenant | ViewAudit | ViewMembers | ViewSpace | Evaluate
        ),
        Role::Viewer => matches!(action, ViewTenant | ViewAudit | ViewMembers | ViewSpace),
    }
}

/// Tenant-wide actions that a member confined to their teams' spaces may not take: they
/// would reach spaces outside those teams.
fn needs_whole_tenant(action: Action) -> bool {
    matches!(
        action,
        Action::ViewAudit
            | Action::ViewMembers
            | Action::CreateSpace
            | Action::ManageMembers
            | Action::ManageOwners
            | Action::EngageKillSwitch
            | Action::DecideReview
            | Action::BreakGlass
    )
}

/// `authorize` at a place that is either one space (`Some(id)`) or the whole tenant
/// (`None`: a tenant-wide kill-switch and its release).
pub fn authorize_at(
    actor: &Actor,
    action: Action,
    access: &TenantAccess,
    space: Option<&str>,
) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    match space {
        Some(space) => authorize(
            actor,
            action,
            Scope::Space {
                access,
                tenant: &user.tenant_id,
                space: &SpaceId::from_db(space.to_string()),
            },
        ),
        None => authorize(actor, action, Scope::Tenant(access)),
    }
}

pub fn authorize(actor: &Actor, action: Action, scope: Scope<'_>) -> Result<(), AppError> {
    let Actor::Console(user) = actor;
    let role = match scope {
        Scope::Tenant(access) => {
            if access.tenant_id != user.tenant_id {
                return Err(AppError::NotFound);
            }
            if access.restricted() && needs_whole_tenant(action) {
                return Err(AppError::Forbidden);
            }
            access.role
        }
        Scope::Space {
            access,
            tenant,
            space,
        } => {
            if access.tenant_id != user.tenant_id || *tenant != user.tenant_id {
                return Err(AppError::NotFound);
            }
            access.space_role(space).ok_or(AppError::NotFound)?
        }
    };
    if role_allows(role, action) {
        Ok(())
    } else if role_allows(role, Action::ViewSpace) {
        Err(AppError::Forbidden)
    } else {
        Err(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ConsoleUser;
    use Action::*;
    use std::collections::HashMap;

    fn member(tenant: &TenantId, role: Role) -> Actor {
        Actor::Console(ConsoleUser::for_tests(tenant.clone(), role))
    }

    fn access(tenant: &TenantId, role: Role, teams: Option<&[(SpaceId, Role)]>) -> TenantAccess {
        TenantAccess {
            tenant_id: tenant.clone(),
            role,
            team_spaces: teams.map(|t| t.iter().cloned().collect::<HashMap<_, _>>()),
        }
    }

    /// The expected answer for every role × action in a reachable space: the table the
    /// product promises, written out rather than derived.
    const SPACE_TABLE: &[(Role, &[Action])] = &[
        (Role::Owner, &Action::ALL),
        (
            Role::Admin,
            &[
                ViewTenant,
                ViewAudit,
                ViewMembers,
                ManageMembers,
                CreateSpace,
                ViewSpace,
                EditSpace,
                LowerRiskyGrant,
                ManageTokens,
                EngageKillSwitch,
                DecideReview,
                ChangeStage,
                SetStageLimits,
                Evaluate,
            ],
        ),
        (
            Role::Operator,
            &[
                ViewTenant,
                ViewAudit,
                ViewMembers,
                CreateSpace,
                ViewSpace,
                EditSpace,
                ManageTokens,
                EngageKillSwitch,
                ChangeStage,
                Evaluate,
            ],
        ),
        (
            Role::Reviewer,
            &[
                ViewTenant,
                ViewAudit,
                ViewMembers,
                ViewSpace,
                DecideReview,
                Evaluate,
            ],
        ),
        (
            Role::Evaluator,
            &[ViewTenant, ViewAudit, ViewMembers, ViewSpace, Evaluate],
        ),
        (
            Role::Viewer,
            &[ViewTenant, ViewAudit, ViewMembers, ViewSpace],
        ),
    ];

    #[test]
    fn the_role_action_table_holds_in_a_space_of_ones_own_tenant() {
        let tenant = TenantId::new();
        let space = SpaceId::new();
        for (role, allowed) in SPACE_TABLE {
            let actor = member(&tenant, *role);
            let access = access(&tenant, *role, None);
            for action in Action::ALL {
                let got = authorize(
                    &actor,
                    action,
                    Scope::Space {
                        access: &access,
                        tenant: &tenant,
                        space: &space,
                    },
                );
                let want = if allowed.contains(&action) {
                    Ok(())
                } else {
                    Err(AppError::Forbidden)
                };
                assert_eq!(got, want, "{role:?} × {action:?}");
                // The tenant scope agrees for an unrestricted member.
                assert_eq!(
                    authorize(&actor, action, Scope::Tenant(&access)),
                    want,
                    "{role:?} × {action:?} (tenant)"
                );
            }
        }
    }

    #[test]
    fn another_tenant_is_not_found_for_every_role_and_action() {
        let mine = TenantId::new();
        let theirs = TenantId::new();
        let space = SpaceId::new();
        for role in Role::ALL {
            let actor = member(&mine, role);
            let own_access = access(&mine, role, None);
            let their_access = access(&theirs, role, None);
            for action in Action::ALL {
                // A space of another tenant, reached with my own access.
                assert_eq!(
                    authorize(
                        &actor,
                        action,
                        Scope::Space {
                            access: &own_access,
                            tenant: &theirs,
                            space: &space
                        }
                    ),
                    Err(AppError::NotFound),
                    "{role:?} × {action:?}"
                );
                // Access computed for another tenant never counts.
                assert_eq!(
                    authorize(&actor, action, Scope::Tenant(&their_access)),
                    Err(AppError::NotFound)
                );
            }
        }
    }

    #[test]
    fn team_members_reach_only_their_teams_spaces_at_the_teams_role() {
        let tenant = TenantId::new();
        let team_space = SpaceId::new();
        let other_space = SpaceId::new();
        let actor = member(&tenant, Role::Viewer);
        let access = access(
            &tenant,
            Role::Viewer,
            Some(&[(team_space.clone(), Role::Operator)]),
        );
        let in_space = |space: &SpaceId, action| {
            authorize(
                &actor,
                action,
                Scope::Space {
                    access: &access,
                    tenant: &tenant,
                    space,
                },
            )
        };
        // The team's role, not the tenant role, applies in the team's space.
        assert_eq!(in_space(&team_space, EditSpace), Ok(()));
        assert_eq!(in_space(&team_space, ManageTokens), Ok(()));
        assert_eq!(
            in_space(&team_space, LowerRiskyGrant),
            Err(AppError::Forbidden)
        );
        // Any other space of the tenant does not exist for them.
        for action in Action::ALL {
            assert_eq!(in_space(&other_space, action), Err(AppError::NotFound));
        }
        // Tenant-wide actions that would reach other spaces are refused.
        for action in [
            ViewAudit,
            ViewMembers,
            CreateSpace,
            ManageMembers,
            ManageOwners,
        ] {
            assert_eq!(
                authorize(&actor, action, Scope::Tenant(&access)),
                Err(AppError::Forbidden)
            );
        }
        assert_eq!(
            authorize(&actor, ViewTenant, Scope::Tenant(&access)),
            Ok(())
        );
    }
}
