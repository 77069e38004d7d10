//! The persona list: every persona in the spaces the viewer reaches, filtered by space,
//! stage and name, ordered by name, in keyset pages (no OFFSET: page 200 costs what
//! page 1 costs).

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

use crate::AppError;
use crate::domain::access::tenant_access;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::entities::{persona, space};
use crate::domain::validate::check_filter;
use crate::domain::{Actor, Ctx};
use crate::types::{PersonaFilter, PersonaId, PersonaListItem, PersonaListView, SpaceId};

pub const PAGE_SIZE: u64 = 50;

/// `%` and `_` typed by a person mean themselves, not wildcards.
fn like_pattern(q: &str) -> String {
    let mut out = String::from("%");
    for c in super::fold(q).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

pub async fn list_personas(
    ctx: &Ctx,
    actor: &Actor,
    filter: &PersonaFilter,
) -> Result<PersonaListView, AppError> {
    let Actor::Console(user) = actor;
    let access = tenant_access(ctx, user).await?;
    authorize(actor, Action::ViewTenant, Scope::Tenant(&access))?;
    let spaces: Vec<(SpaceId, String)> = space::Entity::find()
        .filter(space::Column::TenantId.eq(user.tenant_id.as_str()))
        .order_by_asc(space::Column::Name)
        .all(&ctx.db)
        .await?
        .into_iter()
        .map(|s| (SpaceId::from_db(s.id), s.name))
        .filter(|(id, _)| access.space_role(id).is_some())
        .collect();

    let mut in_spaces: Vec<&str> = spaces.iter().map(|(id, _)| id.as_str()).collect();
    if let Some(wanted) = filter.space.as_deref().filter(|s| !s.is_empty()) {
        // A space outside the viewer's reach filters to nothing, like an unknown one.
        in_spaces.retain(|id| *id == wanted);
    }
    let reachable = Condition::all().add(persona::Column::SpaceId.is_in(in_spaces));
    let mut condition = reachable.clone();
    if let Some(stage) = filter.stage.filter(|s| (1..=4).contains(s)) {
        condition = condition.add(persona::Column::Stage.eq(i16::from(stage)));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let q: String = check_filter("q", q)?.chars().take(120).collect();
        condition = condition.add(
            Expr::col(persona::Column::NameFolded)
                .like(sea_orm::sea_query::LikeExpr::new(like_pattern(&q)).escape('\\')),
        );
    }
    let total = persona::Entity::find()
        .filter(condition.clone())
        .count(&ctx.db)
        .await?;

    let mut page_condition = condition;
    if let Some(cursor) = filter
        .cursor
        .as_deref()
        .and_then(|c| c.parse::<PersonaId>().ok())
        && let Some(after) = persona::Entity::find_by_id(cursor.as_str())
            // Only a persona the viewer reaches can position the page.
            .filter(reachable)
            .one(&ctx.db)
            .await?
    {
        page_condition = page_condition.add(
            Condition::any()
                .add(persona::Column::Name.gt(after.name.clone()))
                .add(
                    Condition::all()
                        .add(persona::Column::Name.eq(after.name))
                        .add(persona::Column::Id.gt(after.id)),
                ),
        );
    }
    let mut rows = persona::Entity::find()
        .filter(page_condition)
        .order_by_asc(persona::Column::Name)
        .order_by_asc(persona::Column::Id)
        .limit(PAGE_SIZE + 1)
        .all(&ctx.db)
        .await?;
    let next_cursor = if rows.len() as u64 > PAGE_SIZE {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|p| p.id.clone())
    } else {
        None
    };
    let names: HashMap<&str, &str> = spaces
        .iter()
        .map(|(id, name)| (id.as_str(), name.as_str()))
        .collect();
    let items = rows
        .into_iter()
        .map(|p| PersonaListItem {
            space_name: names.get(p.space_id.as_str()).copied().unwrap_or("").into(),
            id: PersonaId::from_db(p.id),
            name: p.name,
            role_description: p.role_description,
            space_id: SpaceId::from_db(p.space_id),
            stage: u8::try_from(p.stage).unwrap_or(1),
            status: p.status,
        })
        .collect();
    Ok(PersonaListView {
        items,
        next_cursor,
        total,
        spaces,
    })
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn wildcards_typed_by_people_are_literal() {
        assert_eq!(like_pattern("A_b%"), "%a\\_b\\%%");
    }
}
