//! The OpenAPI document, generated from the handlers' annotations.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::realtime::params::MAX_SUBSCRIPTIONS;
use crate::realtime::schema::subscription_pattern;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Switchboard API", description = "Campaigns, calls and contacts of your organization, the agents that \
        draft messages and follow-ups for them, and the clients and trips you organize (edited per field, \
        conflicts explicit, retries idempotent). \
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
        super::campaigns::edit,
        super::campaigns::history,
        super::clients::list,
        super::clients::create,
        super::clients::get,
        super::clients::edit,
        super::clients::delete,
        super::clients::history,
        super::trips::list,
        super::trips::create,
        super::trips::get,
        super::trips::edit,
        super::trips::delete,
        super::trips::history,
        super::agents::list,
        super::agents::get,
        super::agents::tasks,
        super::agents::assign,
        super::drafts::list,
        super::drafts::approve,
        super::drafts::reject,
        super::drafts::edit,
        super::follow_ups::list,
        super::follow_ups::cancel,
        super::follow_ups::reschedule,
        super::presence::report,
        super::presence::room,
        super::presence::broadcast,
        super::realtime_status,
        super::operations::health_check,
        super::operations::telephony_settings,
        super::operations::rotate_token,
        super::operations::clock,
        super::operations::latency,
        super::webhooks::twilio,
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

/// The document, with what only the running server knows: the exact grammar of `sub=`
/// (the captured tables and their columns, read from the database catalog).
pub async fn document(State(state): State<AppState>) -> Json<Value> {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let pattern = subscription_pattern(&state.realtime.registry.tables());
    let sub = json!({
        "type": "array",
        "minItems": 1,
        "maxItems": MAX_SUBSCRIPTIONS,
        "items": { "type": "string", "pattern": pattern },
    });
    for path in ["/api/realtime/stream", "/api/realtime/changes"] {
        let params = doc
            .pointer_mut(&format!(
                "/paths/{}/get/parameters",
                path.replace('/', "~1")
            ))
            .and_then(Value::as_array_mut);
        for p in params.into_iter().flatten() {
            if p["name"] == "sub" {
                p["schema"] = sub.clone();
                p["required"] = Value::Bool(true);
                p["explode"] = Value::Bool(true);
            }
        }
    }
    Json(doc)
}
