//! The audit log page (exports are plain HTTP downloads, in the server crate).

use leptos::prelude::*;

use crate::AppError;
use crate::types::{AuditFilter, AuditPageView};

#[server(endpoint = "list_audit")]
pub async fn list_audit(#[server(default)] filter: AuditFilter) -> Result<AuditPageView, AppError> {
    use super::context::serve;
    use crate::domain::audit::query::{PAGE_SIZE, list_audit_page};
    serve(async |ctx, actor| list_audit_page(ctx, actor, &filter, PAGE_SIZE).await).await
}
