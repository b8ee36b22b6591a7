//! Reads of the change log (`/api/realtime/changes`), shared: the live views of a page that
//! fall behind together — on load, each at the cursor the page was rendered at, when the
//! stream's first batch starts later — ask for the same page of the log at the same moment,
//! and get one request and one parse between them instead of one each.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use futures_util::future::{FutureExt, LocalBoxFuture, Shared};

use super::js::{self, FetchError};
use crate::live::protocol::ChangesPage;

type Read = Shared<LocalBoxFuture<'static, Result<Rc<ChangesPage>, FetchError>>>;

thread_local! {
    /// Reads in flight, by URL; a read leaves the map when it settles.
    static IN_FLIGHT: RefCell<HashMap<String, Read>> = RefCell::new(HashMap::new());
}

/// GET `url` (a page of the change log), joining a read of the same URL already in flight.
pub(crate) async fn read(url: String) -> Result<Rc<ChangesPage>, FetchError> {
    let read = IN_FLIGHT.with(|m| {
        m.borrow_mut()
            .entry(url.clone())
            .or_insert_with(|| {
                let url = url.clone();
                async move {
                    let page = js::get_json::<ChangesPage>(&url).await.map(Rc::new);
                    IN_FLIGHT.with(|m| m.borrow_mut().remove(&url));
                    page
                }
                .boxed_local()
                .shared()
            })
            .clone()
    });
    read.await
}
