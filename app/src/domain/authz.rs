//! The one authorization point: `authorize(actor, action, scope)`, deny by default.
//! Services call it on their first line; nothing else decides "is this allowed".

use super::Actor;
use crate::AppError;
use crate::types::TenantId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Read the tenant's spaces and personas (every role may).
    ViewTenant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Tenant(&'a TenantId),
}

pub fn authorize(actor: &Actor, action: Action, scope: Scope<'_>) -> Result<(), AppError> {
    let allowed = match (actor, action, scope) {
        (Actor::Console(user), Action::ViewTenant, Scope::Tenant(tenant)) => {
            user.tenant_id == *tenant
        }
    };
    if allowed {
        Ok(())
    } else {
        // Not-found rather than forbidden would hide existence; the caller picks, the
        // rule here only says no.
        Err(AppError::Forbidden)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ConsoleUser;
    use crate::types::{Role, UserId};

    fn viewer_of(tenant: &TenantId) -> Actor {
        Actor::Console(ConsoleUser {
            user_id: UserId::new(),
            email: "v@example.com".into(),
            display_name: "V".into(),
            tenant_id: tenant.clone(),
            tenant_name: "T".into(),
            role: Role::Viewer,
        })
    }

    #[test]
    fn members_may_view_their_own_tenant() {
        let tenant = TenantId::new();
        assert_eq!(
            authorize(
                &viewer_of(&tenant),
                Action::ViewTenant,
                Scope::Tenant(&tenant)
            ),
            Ok(())
        );
    }

    #[test]
    fn nobody_may_view_another_tenant() {
        let mine = TenantId::new();
        let theirs = TenantId::new();
        assert_eq!(
            authorize(
                &viewer_of(&mine),
                Action::ViewTenant,
                Scope::Tenant(&theirs)
            ),
            Err(AppError::Forbidden)
        );
    }
}
