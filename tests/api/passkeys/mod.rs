//! Passkeys over HTTP: every refusal, and the options the browser is
//! given. Whole ceremonies (a real authenticator's answers) are in the
//! browser suite, `tests/browser/passkeys.test.mjs`.

mod manage;
mod sign_in;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use diesel::RunQueryDsl;
use reqwest::Response;
use serde_json::{json, Value};

use crate::helpers::*;

/// The form session's cookie a response set (`name=value`), for the next
/// request of the same "browser".
fn forms_cookie(response: &Response) -> String {
    let line = set_cookies(response.headers())
        .remove("sesame_forms")
        .expect("a form session cookie");
    format!("sesame_forms={}", cookie_value(&line))
}

/// A passkey of `user_id`'s, written straight into the database (the
/// service only adds one after a real authenticator's answer).
fn stored_passkey(app: &TestApp, user_id: &str, id: &str) {
    run_sql(
        app,
        &format!(
            "INSERT INTO passkeys (id, user_id, name, credential, created_at) \
             VALUES ('{id}', '{user_id}', 'Old key', '{{}}', 0)"
        ),
    );
    run_sql(
        app,
        &format!("UPDATE users SET passkey_count = 1 WHERE id = '{user_id}'"),
    );
}

/// Runs `sql` (the same on both backends) on the server's database.
fn run_sql(app: &TestApp, sql: &str) {
    let query = diesel::sql_query(sql);
    match app.database() {
        TestDb::Sqlite(mut conn) => query.execute(&mut conn),
        TestDb::Postgres(mut conn) => query.execute(&mut conn),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// An assertion as a browser sends one, well formed, from a credential
/// `credential_id` claiming the account `user_handle` (a UUID), signed by
/// nobody.
fn forged_assertion(credential_id: &[u8], user_handle: &str) -> Value {
    let handle = uuid::Uuid::parse_str(user_handle).unwrap();
    let client_data = json!({
        "type": "webauthn.get",
        "challenge": BASE64URL.encode([7u8; 32]),
        "origin": "http://localhost",
    });
    json!({
        "id": BASE64URL.encode(credential_id),
        "rawId": BASE64URL.encode(credential_id),
        "type": "public-key",
        "response": {
            "authenticatorData": BASE64URL.encode([0u8; 37]),
            "clientDataJSON": BASE64URL.encode(client_data.to_string()),
            "signature": BASE64URL.encode([1u8; 64]),
            "userHandle": BASE64URL.encode(handle.as_bytes()),
        },
        "extensions": {},
    })
}
