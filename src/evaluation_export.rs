//! Evaluation reports as downloads: `GET /evaluations/{id}/export?format=json|md` for a
//! signed-in member (the same service, and so the same authorization, as the report
//! page), and `GET /shared/evaluations/{secret}/export?format=…` behind a share link.

use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::AppError;
use app::domain::Actor;
use app::domain::evaluation::{report, share};
use app::types::{EvaluationId, ReportView};

use crate::state::AppState;

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Md,
}

#[derive(Debug, Deserialize)]
pub struct ExportParams {
    format: Format,
}

fn download(report: &ReportView, format: Format) -> Response {
    let date = report.generated_at.get(..10).unwrap_or("report");
    let (content_type, extension, body) = match format {
        Format::Json => match serde_json::to_string_pretty(report) {
            Ok(json) => ("application/json", "json", json),
            Err(_) => return AppError::Internal.into_response(),
        },
        Format::Md => (
            "text/markdown; charset=utf-8",
            "md",
            report::markdown(report),
        ),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"evaluation-{date}.{extension}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

pub async fn export(
    State(state): State<AppState>,
    actor: Option<Extension<Actor>>,
    Path(id): Path<String>,
    Query(params): Query<ExportParams>,
) -> Response {
    let Some(Extension(actor)) = actor else {
        return AppError::Unauthenticated.into_response();
    };
    let Ok(id) = id.parse::<EvaluationId>() else {
        return AppError::NotFound.into_response();
    };
    match app::domain::evaluation::view(&state.ctx, &actor, &id).await {
        Ok(view) => download(&view.report, params.format),
        Err(e) => e.into_response(),
    }
}

pub async fn export_shared(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    Query(params): Query<ExportParams>,
) -> Response {
    match share::open(&state.ctx, &secret).await {
        Ok(report) => download(&report, params.format),
        Err(e) => e.into_response(),
    }
}
