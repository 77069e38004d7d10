//! What a switch stops, by name: one query per level for any number of switches.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use std::collections::HashMap;

use crate::AppError;
use crate::domain::entities::{app, capability, kill_switch, persona, space, tenant};

/// The level in words.
pub fn scope_label(scope: &str) -> &'static str {
    match scope {
        "tenant" => "Tenant",
        "space" => "Space",
        "app" => "App",
        "persona" => "Persona",
        "capability" => "Capability",
        _ => "Unknown",
    }
}

/// A switch's target: its name and the console page that shows it, if any.
#[derive(Debug, Clone)]
pub struct Target {
    pub name: String,
    pub href: Option<String>,
}

/// Names for every switch given, keyed by switch id.
pub async fn targets(
    db: &impl ConnectionTrait,
    switches: &[&kill_switch::Model],
) -> Result<HashMap<String, Target>, AppError> {
    let ids = |scope: &str| -> Vec<String> {
        switches
            .iter()
            .filter(|s| s.scope == scope)
            .map(|s| s.scope_id.clone())
            .collect()
    };
    let mut names: HashMap<(String, String), Target> = HashMap::new();
    let mut put = |scope: &str, id: String, name: String, href: Option<String>| {
        names.insert((scope.to_string(), id), Target { name, href });
    };
    for t in tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(ids("tenant")))
        .all(db)
        .await?
    {
        put("tenant", t.id, t.name, None);
    }
    for s in space::Entity::find()
        .filter(space::Column::Id.is_in(ids("space")))
        .all(db)
        .await?
    {
        let href = Some(format!("/spaces/{}", s.id));
        put("space", s.id, s.name, href);
    }
    for a in app::Entity::find()
        .filter(app::Column::Id.is_in(ids("app")))
        .all(db)
        .await?
    {
        let href = Some(format!("/spaces/{}", a.space_id));
        put("app", a.id, a.name, href);
    }
    for p in persona::Entity::find()
        .filter(persona::Column::Id.is_in(ids("persona")))
        .all(db)
        .await?
    {
        let href = Some(format!("/personas/{}", p.id));
        put("persona", p.id, p.name, href);
    }
    for c in capability::Entity::find()
        .filter(capability::Column::Id.is_in(ids("capability")))
        .all(db)
        .await?
    {
        let href = Some(format!("/spaces/{}", c.space_id));
        put("capability", c.id, c.name, href);
    }
    Ok(switches
        .iter()
        .map(|s| {
            let target = names
                .get(&(s.scope.clone(), s.scope_id.clone()))
                .cloned()
                .unwrap_or_else(|| Target {
                    name: "(deleted)".into(),
                    href: None,
                });
            (s.id.clone(), target)
        })
        .collect())
}
