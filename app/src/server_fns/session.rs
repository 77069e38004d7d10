use leptos::prelude::*;

use crate::AppError;
use crate::types::SessionView;

/// Who is signed in (with the review queue's waiting count for the navigation), or
/// `None`.
#[server(endpoint = "get_session_view")]
pub async fn get_session_view() -> Result<Option<SessionView>, AppError> {
    use super::context::{actor, ctx};
    use crate::domain::Actor;
    let Ok(actor) = actor() else {
        return Ok(None);
    };
    // The count is a convenience: a failure to read it must not sign anyone out.
    let pending_reviews = crate::domain::review::pending_count(&ctx()?, &actor)
        .await
        .unwrap_or(0);
    let engaged_switches = crate::domain::killswitch::list::engaged_names(&ctx()?, &actor)
        .await
        .unwrap_or_default();
    let Actor::Console(user) = actor;
    Ok(Some(SessionView {
        email: user.email,
        display_name: user.display_name,
        tenant_id: user.tenant_id,
        tenant_name: user.tenant_name,
        role: user.role,
        pending_reviews,
        engaged_switches,
    }))
}
