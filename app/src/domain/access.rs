//! What a signed-in member can reach: their tenant role, and — when they belong to teams
//! and are not an owner or admin — only the spaces their teams were given, at the team's
//! role. Loaded once per service call; `authorize` reads it.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

use super::entities::{team, team_member, team_space};
use super::{ConsoleUser, Ctx};
use crate::AppError;
use crate::types::{Role, SpaceId, TenantId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantAccess {
    pub tenant_id: TenantId,
    pub role: Role,
    /// `None`: every space of the tenant at `role`. `Some`: only these, at these roles.
    pub team_spaces: Option<HashMap<SpaceId, Role>>,
}

impl TenantAccess {
    /// The role this member acts with in one space of their tenant, if they reach it.
    pub fn space_role(&self, space_id: &SpaceId) -> Option<Role> {
        match &self.team_spaces {
            None => Some(self.role),
            Some(spaces) => spaces.get(space_id).copied(),
        }
    }

    pub fn restricted(&self) -> bool {
        self.team_spaces.is_some()
    }
}

/// Among several teams reaching one space, the one that allows most wins.
fn stronger(a: Role, b: Role) -> Role {
    fn rank(r: Role) -> u8 {
        match r {
            Role::Owner => 6,
            Role::Admin => 5,
            Role::Operator => 4,
            Role::Reviewer => 3,
            Role::Evaluator => 2,
            Role::Viewer => 1,
        }
    }
    if rank(a) >= rank(b) { a } else { b }
}

pub async fn tenant_access(ctx: &Ctx, user: &ConsoleUser) -> Result<TenantAccess, AppError> {
    let unrestricted = TenantAccess {
        tenant_id: user.tenant_id.clone(),
        role: user.role,
        team_spaces: None,
    };
    if matches!(user.role, Role::Owner | Role::Admin) {
        return Ok(unrestricted);
    }
    let teams: Vec<team::Model> = team::Entity::find()
        .filter(team::Column::TenantId.eq(user.tenant_id.as_str()))
        .filter(
            team::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(team_member::Column::TeamId)
                    .from(team_member::Entity)
                    .and_where(team_member::Column::UserId.eq(user.user_id.as_str()))
                    .to_owned(),
            ),
        )
        .all(&ctx.db)
        .await?;
    if teams.is_empty() {
        return Ok(unrestricted);
    }
    let role_of: HashMap<String, Role> = teams
        .iter()
        .filter_map(|t| t.role.parse().ok().map(|r| (t.id.clone(), r)))
        .collect();
    let mut spaces: HashMap<SpaceId, Role> = HashMap::new();
    for link in team_space::Entity::find()
        .filter(team_space::Column::TeamId.is_in(role_of.keys().map(String::as_str)))
        .all(&ctx.db)
        .await?
    {
        let Some(role) = role_of.get(&link.team_id).copied() else {
            continue;
        };
        let space = SpaceId::from_db(link.space_id);
        let role = spaces.get(&space).map_or(role, |r| stronger(*r, role));
        spaces.insert(space, role);
    }
    Ok(TenantAccess {
        team_spaces: Some(spaces),
        ..unrestricted
    })
}
