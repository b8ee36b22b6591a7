//! The OpenAPI document, generated from the handlers' annotations.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "Campaigns, calls and contacts of your organization. \
        Authenticate with `Authorization: Bearer <token>` from `POST /api/auth/token`."),
    paths(
        crate::auth::handlers::issue_token,
        crate::auth::handlers::revoke_token,
        super::me,
        super::campaigns::list,
        super::campaigns::get,
        super::campaigns::calls,
        super::campaigns::contacts,
        super::campaigns::call,
        super::realtime_status,
        crate::realtime::stream::stream,
        crate::realtime::poll::changes,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail)),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
