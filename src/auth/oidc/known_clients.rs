//! The registered apps the token, revocation and introspection endpoints
//! authenticate, kept a moment in memory: every token request names its
//! app, and reading the row each time cost the token endpoint a database
//! round trip per request.
//!
//! Only apps found are kept (an unknown id, however many a stranger tries,
//! adds nothing), each for `FRESH_FOR`: an app removed by `sesame clients
//! remove` from another process is forgotten within it, and its tokens
//! stopped working already, since its sessions ended in the removal's
//! transaction.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::db::oauth_clients::ClientRow;

const FRESH_FOR: Duration = Duration::from_secs(2);

#[derive(Default)]
pub(super) struct KnownClients {
    rows: Mutex<HashMap<String, (Instant, Arc<ClientRow>)>>,
}

impl KnownClients {
    /// The row read less than `FRESH_FOR` ago, if any.
    pub(super) fn get(&self, client_id: &str) -> Option<Arc<ClientRow>> {
        let rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        rows.get(client_id)
            .filter(|(read_at, _)| read_at.elapsed() < FRESH_FOR)
            .map(|(_, row)| Arc::clone(row))
    }

    pub(super) fn keep(&self, row: Arc<ClientRow>) {
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        // The apps are the operator's few: drop the stale ones now and then.
        if rows.len() >= 1024 {
            rows.retain(|_, (read_at, _)| read_at.elapsed() < FRESH_FOR);
        }
        rows.insert(row.id.clone(), (Instant::now(), row));
    }

    /// This process removed the app: forget it at once.
    pub(super) fn forget(&self, client_id: &str) {
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        rows.remove(client_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str) -> Arc<ClientRow> {
        Arc::new(ClientRow {
            id: id.to_owned(),
            name: "App".to_owned(),
            secret_hash: None,
            redirect_uris: "https://app.example/cb".to_owned(),
            post_logout_redirect_uris: String::new(),
            backchannel_logout_uri: None,
            skip_consent: false,
            id_token_alg: "RS256".to_owned(),
            created_at: 0,
        })
    }

    #[test]
    fn a_kept_app_is_found_until_forgotten() {
        let known = KnownClients::default();
        assert!(known.get("a").is_none());
        known.keep(row("a"));
        assert_eq!(known.get("a").map(|r| r.id.clone()).as_deref(), Some("a"));
        known.forget("a");
        assert!(known.get("a").is_none());
    }

    #[test]
    fn a_row_older_than_its_freshness_is_not_used() {
        let known = KnownClients::default();
        let stale = Instant::now() - FRESH_FOR;
        known
            .rows
            .lock()
            .unwrap()
            .insert("a".to_owned(), (stale, row("a")));
        assert!(known.get("a").is_none());
    }
}
