//! One persona with everything its page shows: who owns it, its grants, and what its
//! space offers to grant.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{continuity_from_db, persona_for};
use crate::AppError;
use crate::domain::authz::{Action, Scope, authorize};
use crate::domain::capabilities::read::{load_for_spaces, to_view};
use crate::domain::entities::grant;
use crate::domain::members::member_refs;
use crate::domain::spaces::environment_names;
use crate::domain::{Actor, Ctx};
use crate::types::{Access, GrantId, GrantView, PersonaDetailView, PersonaId, SpaceId, TenantId};

pub async fn get_persona(
    ctx: &Ctx,
    actor: &Actor,
    persona_id: &PersonaId,
) -> Result<PersonaDetailView, AppError> {
    let found = persona_for(ctx, actor, persona_id, Action::ViewSpace).await?;
    let (p, scope) = (found.persona, found.scope);
    let tenant = TenantId::from_db(scope.space.tenant_id.clone());
    let space_id = SpaceId::from_db(scope.space.id.clone());
    let allowed = |action| {
        authorize(
            actor,
            action,
            Scope::Space {
                access: &scope.access,
                tenant: &tenant,
                space: &space_id,
            },
        )
        .is_ok()
    };
    let caps = load_for_spaces(&ctx.db, &[space_id.as_str()]).await?;
    let grants = grant::Entity::find()
        .filter(grant::Column::PersonaId.eq(p.id.as_str()))
        .order_by_asc(grant::Column::CreatedAt)
        .all(&ctx.db)
        .await?;
    let members = member_refs(&ctx.db, tenant.as_str()).await?;
    let find_member = |id: &Option<String>| {
        id.as_ref()
            .and_then(|id| members.iter().find(|m| m.user_id.as_str() == id).cloned())
    };
    let grant_views = grants
        .into_iter()
        .filter_map(|g| {
            let cap = caps.iter().find(|c| c.capability.id == g.capability_id)?;
            let risky = cap
                .actions
                .iter()
                .filter(|a| g.action_name.is_empty() || a.name == g.action_name)
                .any(crate::domain::grants::rules::is_risky);
            Some(GrantView {
                id: GrantId::from_db(g.id),
                capability_key: cap.capability.key.clone(),
                capability_name: cap.capability.name.clone(),
                action_name: (!g.action_name.is_empty()).then_some(g.action_name),
                access: Access::parse(&g.access).unwrap_or(Access::Denied),
                environments: serde_json::from_str(&g.environments).unwrap_or_default(),
                min_stage: u8::try_from(g.min_stage).unwrap_or(1),
                reason: g.reason,
                risky,
                version: g.version,
            })
        })
        .collect();
    Ok(PersonaDetailView {
        id: PersonaId::from_db(p.id),
        space_name: scope.space.name.clone(),
        environments: environment_names(&ctx.db, space_id.as_str()).await?,
        can_edit: allowed(Action::EditSpace),
        can_lower_risk: allowed(Action::LowerRiskyGrant),
        space_id,
        name: p.name,
        role_description: p.role_description,
        owner: find_member(&p.owner_user_id),
        on_call: find_member(&p.on_call_user_id),
        continuity: continuity_from_db(&p.continuity),
        stage: u8::try_from(p.stage).unwrap_or(1),
        status: p.status,
        version: p.version,
        your_role: scope.role,
        capabilities: caps
            .iter()
            .filter(|c| c.capability.enabled)
            .map(|c| to_view(c, None))
            .collect(),
        grants: grant_views,
        members,
    })
}
