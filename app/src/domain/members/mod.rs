//! Members of a tenant (one role each) and teams (a role over chosen spaces).

pub mod list;
pub mod manage;
pub mod teams;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::entities::{membership, user};
use crate::AppError;
use crate::types::{MemberRef, UserId};

/// The tenant's members, for pickers (owner, on-call) and for naming people on pages.
pub async fn member_refs(
    db: &impl ConnectionTrait,
    tenant_id: &str,
) -> Result<Vec<MemberRef>, AppError> {
    let ids: Vec<String> = membership::Entity::find()
        .filter(membership::Column::TenantId.eq(tenant_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect();
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .order_by_asc(user::Column::DisplayName)
        .all(db)
        .await?
        .into_iter()
        .map(|u| MemberRef {
            user_id: UserId::from_db(u.id),
            display_name: u.display_name,
            email: u.email,
        })
        .collect())
}
