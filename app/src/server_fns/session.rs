use leptos::prelude::*;

use crate::AppError;
use crate::types::SessionView;

/// Who is signed in, or `None`.
#[server(endpoint = "get_session_view")]
pub async fn get_session_view() -> Result<Option<SessionView>, AppError> {
    use super::context::actor;
    use crate::domain::Actor;
    Ok(actor().ok().map(|Actor::Console(user)| SessionView {
        email: user.email,
        display_name: user.display_name,
        tenant_id: user.tenant_id,
        tenant_name: user.tenant_name,
        role: user.role,
    }))
}
