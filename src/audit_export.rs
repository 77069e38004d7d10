//! `GET /audit/export?format=csv|json&…filters`: the audit log as a download, streamed
//! page by page (keyset), so a million entries never sit in memory at once. Each page
//! goes through the same domain query, and so the same authorization, as the audit page.

use axum::Extension;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use serde::Deserialize;

use app::AppError;
use app::domain::Actor;
use app::domain::audit::query::{CSV_HEADER, EXPORT_PAGE_SIZE, csv_record, list_audit_page};
use app::types::{AuditEntryView, AuditFilter};

use crate::state::AppState;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Json,
}

/// The audit page's filters (no cursor: an export starts from the newest entry).
#[derive(Debug, Deserialize)]
pub struct ExportParams {
    format: Format,
    entity_type: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    entity_id: Option<String>,
}

fn csv_chunk(entries: &[AuditEntryView], header_row: bool) -> Result<Vec<u8>, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "audit export: csv");
        AppError::Internal
    };
    if header_row {
        writer.write_record(CSV_HEADER).map_err(fail)?;
    }
    for e in entries {
        writer.write_record(csv_record(e)).map_err(fail)?;
    }
    writer.into_inner().map_err(|_| AppError::Internal)
}

/// JSON Lines: one entry per line, so the download can be read as it streams.
fn json_chunk(entries: &[AuditEntryView]) -> Result<Vec<u8>, AppError> {
    let mut out = Vec::new();
    for e in entries {
        serde_json::to_writer(&mut out, e).map_err(|_| AppError::Internal)?;
        out.push(b'\n');
    }
    Ok(out)
}

enum Cursor {
    Before(i64),
    Done,
}

pub async fn export(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Query(params): Query<ExportParams>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return AppError::Unauthenticated.into_response();
    };
    // The first page is fetched before answering, so a refusal is a proper error status
    // rather than a broken download.
    let filter = AuditFilter {
        entity_type: params.entity_type,
        action: params.action,
        actor: params.actor,
        entity_id: params.entity_id,
        before: None,
    };
    let first = match list_audit_page(&state.ctx, &actor, &filter, EXPORT_PAGE_SIZE).await {
        Ok(page) => page,
        Err(e) => return e.into_response(),
    };
    let format = params.format;
    let first_chunk = match format {
        Format::Csv => csv_chunk(&first.entries, true),
        Format::Json => json_chunk(&first.entries),
    };
    let first_chunk = match first_chunk {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let next = first.next_before.map_or(Cursor::Done, Cursor::Before);
    let ctx = state.ctx.clone();
    let rest = stream::unfold(next, move |cursor| {
        let (ctx, actor, mut filter) = (ctx.clone(), actor.clone(), filter.clone());
        async move {
            let Cursor::Before(before) = cursor else {
                return None;
            };
            filter.before = Some(before);
            let page = list_audit_page(&ctx, &actor, &filter, EXPORT_PAGE_SIZE).await;
            let chunk = page.and_then(|page| {
                let bytes = match format {
                    Format::Csv => csv_chunk(&page.entries, false)?,
                    Format::Json => json_chunk(&page.entries)?,
                };
                Ok((bytes, page.next_before))
            });
            match chunk {
                Ok((bytes, next)) => Some((
                    Ok::<_, std::io::Error>(bytes),
                    next.map_or(Cursor::Done, Cursor::Before),
                )),
                // Cut the download short: a truncated file must not look complete.
                Err(e) => Some((Err(std::io::Error::other(e.to_string())), Cursor::Done)),
            }
        }
    });
    let first = stream::once(async move { Ok::<_, std::io::Error>(first_chunk) });
    let (content_type, extension) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Json => ("application/x-ndjson", "jsonl"),
    };
    let date = app::domain::now().date();
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-{date}.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        Body::from_stream(futures_util::StreamExt::chain(first, rest)),
    )
        .into_response()
}
