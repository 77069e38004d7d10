//! Everything the runtime API needs to answer for one space, read in a handful of
//! set-based queries and kept in memory until something in the space changes.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use crate::AppError;
use crate::domain::entities::{app, capability, environment, kill_switch, persona, space};
use crate::domain::grants::stored;
use crate::domain::policy::decide::{GrantRule, PersonaPolicy};
use crate::types::Access;

/// The level a kill-switch stops, broadest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SwitchScope {
    Tenant,
    Space,
    App,
    Persona,
    Capability,
}

impl SwitchScope {
    pub const ALL: [SwitchScope; 5] = [
        SwitchScope::Tenant,
        SwitchScope::Space,
        SwitchScope::App,
        SwitchScope::Persona,
        SwitchScope::Capability,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SwitchScope::Tenant => "tenant",
            SwitchScope::Space => "space",
            SwitchScope::App => "app",
            SwitchScope::Persona => "persona",
            SwitchScope::Capability => "capability",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// Which engaged switch halts a persona: its scope and the id of what it stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HaltedBy {
    pub scope: SwitchScope,
    pub id: String,
}

#[derive(Debug)]
pub struct PersonaEntry {
    pub id: String,
    /// What the rule reads, with the switches that do not depend on the app asked
    /// through (tenant, space, persona, capability) already applied: the hot path
    /// borrows it and allocates nothing.
    pub policy: PersonaPolicy,
    /// Each grant's capability kind (`builtin` or `external`), in `policy.grants` order.
    pub kinds: Vec<String>,
    pub halted_by: Option<HaltedBy>,
    /// The policy document (no app switch applied), serialized once on first use.
    pub document: OnceLock<Arc<[u8]>>,
}

#[derive(Debug)]
pub struct SpaceSnapshot {
    pub tenant_id: String,
    pub space_id: String,
    pub version: i64,
    /// The broadest engaged switch above persona level (tenant or space), if any.
    pub halted_above: Option<HaltedBy>,
    pub halted_apps: HashSet<String>,
    pub apps: HashSet<String>,
    pub capabilities: HashSet<String>,
    pub environments: HashSet<String>,
    pub personas: HashMap<String, PersonaEntry>,
    /// Each stage's audience cap (index 0: stage 1), from the space's stage limits.
    pub audience_caps: [Option<u32>; 4],
}

impl SpaceSnapshot {
    /// The audience cap of `stage`: the most distinct end users a runtime may serve.
    pub fn audience_cap(&self, stage: u8) -> Option<u32> {
        self.audience_caps
            .get(usize::from(stage).checked_sub(1)?)
            .copied()
            .flatten()
    }

    /// What halts this persona asked through `app`: the broadest engaged switch.
    pub fn halted_by(&self, entry: &PersonaEntry, app: Option<&str>) -> Option<HaltedBy> {
        if let Some(h) = &self.halted_above {
            return Some(h.clone());
        }
        if let Some(app) = app.filter(|a| self.halted_apps.contains(*a)) {
            return Some(HaltedBy {
                scope: SwitchScope::App,
                id: app.to_string(),
            });
        }
        entry.halted_by.clone()
    }

    /// The persona's policy as asked through `app`: the cached one, or, only when an app
    /// switch stops it, a copy marked halted (the common case allocates nothing).
    pub fn policy_for<'e>(
        &self,
        entry: &'e PersonaEntry,
        app: Option<&str>,
    ) -> std::borrow::Cow<'e, PersonaPolicy> {
        if self.app_halts(entry, app) {
            let mut halted = entry.policy.clone();
            halted.halted = true;
            std::borrow::Cow::Owned(halted)
        } else {
            std::borrow::Cow::Borrowed(&entry.policy)
        }
    }

    /// Whether an app switch stops this persona where nothing broader already does.
    pub fn app_halts(&self, entry: &PersonaEntry, app: Option<&str>) -> bool {
        entry.halted_by.is_none() && app.is_some_and(|a| self.halted_apps.contains(a))
    }
}

/// Reads a space's snapshot: six queries, and one more per `stored::PAGE` grants.
pub async fn load(db: &impl ConnectionTrait, space_id: &str) -> Result<SpaceSnapshot, AppError> {
    let space = space::Entity::find_by_id(space_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let switches = kill_switch::Entity::find()
        .filter(kill_switch::Column::TenantId.eq(space.tenant_id.as_str()))
        .filter(kill_switch::Column::Engaged.eq(true))
        .all(db)
        .await?;
    let apps: HashSet<String> = app::Entity::find()
        .select_only()
        .column(app::Column::Id)
        .filter(app::Column::SpaceId.eq(space_id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let capabilities = capability::Entity::find()
        .filter(capability::Column::SpaceId.eq(space_id))
        .filter(capability::Column::Enabled.eq(true))
        .all(db)
        .await?;
    let environments: HashSet<String> = environment::Entity::find()
        .select_only()
        .column(environment::Column::Name)
        .filter(environment::Column::SpaceId.eq(space_id))
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let personas = persona::Entity::find()
        .select_only()
        .column(persona::Column::Id)
        .column(persona::Column::Stage)
        .filter(persona::Column::SpaceId.eq(space_id))
        .into_tuple::<(String, i16)>()
        .all(db)
        .await?;

    let by_id: HashMap<&str, &capability::Model> =
        capabilities.iter().map(|c| (c.id.as_str(), c)).collect();

    let mut halted_above: Option<HaltedBy> = None;
    let mut halted_apps = HashSet::new();
    let mut halted_personas = HashSet::new();
    let mut halted_capabilities = Vec::new();
    for s in switches {
        let Some(scope) = SwitchScope::parse(&s.scope) else {
            continue;
        };
        let here = s.space_id.as_deref() == Some(space_id);
        match scope {
            SwitchScope::Tenant => {
                halted_above = Some(HaltedBy {
                    scope,
                    id: s.scope_id,
                });
            }
            SwitchScope::Space if here => {
                if halted_above.is_none() {
                    halted_above = Some(HaltedBy {
                        scope,
                        id: s.scope_id,
                    });
                }
            }
            SwitchScope::App if here => {
                halted_apps.insert(s.scope_id);
            }
            SwitchScope::Persona if here => {
                halted_personas.insert(s.scope_id);
            }
            SwitchScope::Capability if here => {
                if let Some(cap) = by_id.get(s.scope_id.as_str()) {
                    halted_capabilities.push(cap.key.clone());
                }
            }
            _ => {}
        }
    }
    halted_capabilities.sort();

    let mut grants_of = grants_by_persona(db, space_id, &by_id).await?;
    let personas = personas
        .into_iter()
        .map(|(id, stage)| {
            let mut grants = grants_of.remove(&id).unwrap_or_default();
            // A stable order: the document (and its ETag) never depends on row order.
            grants.sort_by(|a, b| {
                (&a.0.capability, &a.0.action).cmp(&(&b.0.capability, &b.0.action))
            });
            let halted_by = halted_above.clone().or_else(|| {
                halted_personas.contains(&id).then(|| HaltedBy {
                    scope: SwitchScope::Persona,
                    id: id.clone(),
                })
            });
            let (rules, kinds) = grants.into_iter().unzip();
            let entry = PersonaEntry {
                id: id.clone(),
                policy: PersonaPolicy {
                    stage: u8::try_from(stage).unwrap_or(0),
                    halted: halted_by.is_some(),
                    halted_capabilities: halted_capabilities.clone(),
                    grants: rules,
                },
                kinds,
                halted_by,
                document: OnceLock::new(),
            };
            (id, entry)
        })
        .collect();

    let limits = crate::domain::rollout::limits::load(db, space_id).await?;
    let mut audience_caps = [None; 4];
    for l in &limits {
        if let Some(slot) = audience_caps.get_mut(usize::from(l.stage).saturating_sub(1)) {
            *slot = l.audience_cap;
        }
    }
    Ok(SpaceSnapshot {
        audience_caps,
        tenant_id: space.tenant_id,
        space_id: space.id,
        version: space.policy_version,
        halted_above,
        halted_apps,
        apps,
        capabilities: capabilities.into_iter().map(|c| c.key).collect(),
        environments,
        personas,
    })
}

/// The space's grants as rules, per persona. Grants of a disabled capability stay in
/// the database but reach nothing.
async fn grants_by_persona(
    db: &impl ConnectionTrait,
    space_id: &str,
    capabilities: &HashMap<&str, &capability::Model>,
) -> Result<HashMap<String, Vec<(GrantRule, String)>>, AppError> {
    let mut grants_of: HashMap<String, Vec<(GrantRule, String)>> = HashMap::new();
    stored::each_in_space(db, space_id, None, |g| {
        let Some(cap) = capabilities.get(g.capability_id.as_str()) else {
            return;
        };
        grants_of.entry(g.persona_id).or_default().push((
            GrantRule {
                capability: cap.key.clone(),
                action: (!g.action.is_empty()).then_some(g.action),
                access: Access::parse(&g.access).unwrap_or(Access::Denied),
                environments: serde_json::from_str(&g.environments).unwrap_or_default(),
                min_stage: u8::try_from(g.min_stage).unwrap_or(u8::MAX),
            },
            cap.source.clone(),
        ));
    })
    .await?;
    Ok(grants_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, halted_by: Option<HaltedBy>) -> PersonaEntry {
        PersonaEntry {
            id: id.into(),
            policy: PersonaPolicy {
                stage: 1,
                halted: halted_by.is_some(),
                ..PersonaPolicy::default()
            },
            kinds: Vec::new(),
            halted_by,
            document: OnceLock::new(),
        }
    }

    fn snapshot(above: Option<HaltedBy>, apps: &[&str]) -> SpaceSnapshot {
        SpaceSnapshot {
            tenant_id: "t".into(),
            space_id: "s".into(),
            version: 1,
            halted_above: above,
            halted_apps: apps.iter().map(|a| (*a).to_string()).collect(),
            apps: HashSet::new(),
            capabilities: HashSet::new(),
            environments: HashSet::new(),
            personas: HashMap::new(),
            audience_caps: [Some(50), None, None, None],
        }
    }

    #[test]
    fn the_broadest_engaged_switch_is_the_one_named() {
        let by = |scope, id: &str| HaltedBy {
            scope,
            id: id.into(),
        };
        let persona_halted = entry("p", Some(by(SwitchScope::Persona, "p")));
        let free = entry("q", None);

        // Space above app above persona.
        let s = snapshot(Some(by(SwitchScope::Space, "s")), &["a"]);
        assert_eq!(
            s.halted_by(&persona_halted, Some("a")),
            Some(by(SwitchScope::Space, "s"))
        );
        let s = snapshot(None, &["a"]);
        assert_eq!(
            s.halted_by(&persona_halted, Some("a")),
            Some(by(SwitchScope::App, "a"))
        );
        assert_eq!(
            s.halted_by(&persona_halted, None),
            Some(by(SwitchScope::Persona, "p"))
        );
        // An app switch stops only what is asked through that app.
        assert_eq!(s.halted_by(&free, Some("b")), None);
        assert!(s.app_halts(&free, Some("a")));
        assert!(!s.app_halts(&free, None));
        // Already halted more broadly: the app variant is not needed.
        assert!(!s.app_halts(&persona_halted, Some("a")));
    }
}
