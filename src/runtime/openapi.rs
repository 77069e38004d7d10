//! The OpenAPI 3 document, generated from the handlers' and bodies' definitions.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::{handlers, schema, stream};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("psn_<32 base62>_<6-character checksum>")
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Persona Console runtime API",
        version = "1",
        description = include_str!("openapi_description.md"),
    ),
    paths(
        handlers::get_policy,
        handlers::post_decision,
        handlers::get_approval,
        handlers::post_events,
        stream::get_stream,
    ),
    components(schemas(
        schema::DecisionRequest,
        schema::DecisionResponse,
        schema::ApprovalResponse,
        schema::EventsRequest,
        schema::EventsResponse,
        schema::PolicyResponse,
        schema::ErrorBody,
    )),
    modifiers(&BearerAuth),
    tags((name = "runtime", description = "What persona runtimes call"))
)]
pub struct RuntimeApi;

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(RuntimeApi::openapi())
}
