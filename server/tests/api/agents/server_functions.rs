//! The pages' server functions act through the same data layer as the JSON API: the same
//! role check, the same organization scoping, the same answers.

use reqwest::StatusCode;

use super::{draft, row, setup};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn page_actions_refuse_operators_and_other_organizations_and_change_nothing() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let globex = setup(&app, "globex").await;
    let pending = draft(&app, &acme, "email").await;
    let theirs = draft(&app, &globex, "email").await;
    let post = |client: reqwest::Client, path: &'static str, id: uuid::Uuid| {
        let url = app.url(path);
        async move {
            client
                .post(url)
                .form(&[("id", id.to_string())])
                .send()
                .await
                .unwrap()
                .status()
        }
    };

    let operator = app.signed_in_browser("operator@acme.example").await;
    for path in ["/sf/approve_draft", "/sf/reject_draft"] {
        assert_eq!(
            post(operator.clone(), path, pending).await,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let organizer = app.signed_in_browser("organizer@acme.example").await;
    assert_eq!(
        post(organizer.clone(), "/sf/approve_draft", theirs).await,
        StatusCode::NOT_FOUND,
        "another organization's draft"
    );
    for id in [pending, theirs] {
        assert_eq!(row(&app, "drafts", id).await["status"], "pending_approval");
    }
    // Signed out: nothing.
    assert_eq!(
        post(app.browser(), "/sf/approve_draft", pending).await,
        StatusCode::UNAUTHORIZED
    );
    // The organizer decides; a second decision is a conflict that names who decided.
    assert_eq!(
        post(organizer.clone(), "/sf/approve_draft", pending).await,
        StatusCode::OK
    );
    let again = organizer
        .post(app.url("/sf/reject_draft"))
        .form(&[("id", pending.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again
        .text()
        .await
        .unwrap()
        .contains("already approved by Acme Organizer"));
    assert_eq!(row(&app, "drafts", pending).await["status"], "approved");
}
