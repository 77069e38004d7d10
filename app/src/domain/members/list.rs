//! The members page: everyone in the tenant with their role and teams, and the teams.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{membership, space, team, team_member, team_space, user};
use crate::domain::{Actor, Ctx};
use crate::types::{MemberView, MembersView, Role, SpaceId, TeamId, TeamView, UserId};

pub async fn list_members(ctx: &Ctx, actor: &Actor) -> Result<MembersView, AppError> {
    let Actor::Console(me) = actor;
    let access = tenant_access(ctx, me).await?;
    authorize(actor, Action::ViewMembers, Scope::Tenant(&access))?;
    let tenant = me.tenant_id.as_str();

    let memberships = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant))
        .all(&ctx.db)
        .await?;
    let users = user::Entity::find()
        .filter(user::Column::Id.is_in(memberships.iter().map(|m| m.user_id.as_str())))
        .order_by_asc(user::Column::DisplayName)
        .all(&ctx.db)
        .await?;
    let teams = team::Entity::find()
        .filter(team::Column::TenantId.eq(tenant))
        .order_by_asc(team::Column::Name)
        .all(&ctx.db)
        .await?;
    let team_ids: Vec<&str> = teams.iter().map(|t| t.id.as_str()).collect();
    let team_members = team_member::Entity::find()
        .filter(team_member::Column::TeamId.is_in(team_ids.iter().copied()))
        .all(&ctx.db)
        .await?;
    let team_spaces = team_space::Entity::find()
        .filter(team_space::Column::TeamId.is_in(team_ids.iter().copied()))
        .all(&ctx.db)
        .await?;
    let spaces: Vec<(SpaceId, String)> = space::Entity::find()
        .filter(space::Column::TenantId.eq(tenant))
        .order_by_asc(space::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|s| (SpaceId::from_db(s.id), s.name))
        .collect();

    let role_of: HashMap<&str, Role> = memberships
        .iter()
        .map(|m| (m.user_id.as_str(), m.role.parse().unwrap_or(Role::Viewer)))
        .collect();
    let name_of: HashMap<&str, &str> = users
        .iter()
        .map(|u| (u.id.as_str(), u.display_name.as_str()))
        .collect();
    let team_name: HashMap<&str, &str> = teams
        .iter()
        .map(|t| (t.id.as_str(), t.name.as_str()))
        .collect();

    let members = users
        .iter()
        .map(|u| MemberView {
            user_id: UserId::from_db(u.id.clone()),
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            role: role_of.get(u.id.as_str()).copied().unwrap_or(Role::Viewer),
            disabled: u.disabled,
            teams: team_members
                .iter()
                .filter(|tm| tm.user_id == u.id)
                .filter_map(|tm| team_name.get(tm.team_id.as_str()).map(|n| n.to_string()))
                .collect(),
        })
        .collect();
    let teams = teams
        .iter()
        .map(|t| TeamView {
            id: TeamId::from_db(t.id.clone()),
            name: t.name.clone(),
            role: t.role.parse().unwrap_or(Role::Viewer),
            members: team_members
                .iter()
                .filter(|tm| tm.team_id == t.id)
                .map(|tm| {
                    (
                        UserId::from_db(tm.user_id.clone()),
                        name_of
                            .get(tm.user_id.as_str())
                            .copied()
                            .unwrap_or("")
                            .into(),
                    )
                })
                .collect(),
            spaces: team_spaces
                .iter()
                .filter(|ts| ts.team_id == t.id)
                .filter_map(|ts| {
                    spaces
                        .iter()
                        .find(|(id, _)| id.as_str() == ts.space_id)
                        .cloned()
                })
                .collect(),
        })
        .collect();
    Ok(MembersView {
        members,
        teams,
        spaces,
        can_manage: authorize(actor, Action::ManageMembers, Scope::Tenant(&access)).is_ok(),
        can_manage_owners: authorize(actor, Action::ManageOwners, Scope::Tenant(&access)).is_ok(),
        you: me.user_id.clone(),
    })
}
