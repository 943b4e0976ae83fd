//! A hostile review of passkeys (issue 21): attacks by a thief of a
//! session, by someone who saw a ceremony's request, by a phisher with the
//! password. Each test failed on the code it was written against.
//!
//! The authenticator is a software one made here (`SoftKey`): Python's
//! `cryptography` (Debian's `python3-cryptography`) holds a P-256 key,
//! answers `create` with a `none` attestation and `get` with a signed
//! assertion, as a browser would pass them on; nothing of sesame's is used.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};
use tokio::process::Command;

use crate::helpers::*;

const PYTHON: &str = "/usr/bin/python3";

/// One request as JSON in argv[1], the browser's credential as JSON out.
const AUTHENTICATOR: &str = r#"
import base64, hashlib, json, struct, sys, uuid
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def cbor_head(major, n):
    if n < 24: return bytes([major << 5 | n])
    if n < 256: return bytes([major << 5 | 24, n])
    return bytes([major << 5 | 25]) + struct.pack(">H", n)

def cbor(value):
    if isinstance(value, int):
        return cbor_head(0, value) if value >= 0 else cbor_head(1, -1 - value)
    if isinstance(value, bytes): return cbor_head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode()
        return cbor_head(3, len(data)) + data
    if isinstance(value, dict):
        return cbor_head(5, len(value)) + b"".join(cbor(k) + cbor(v) for k, v in value.items())
    raise TypeError(value)

ask = json.loads(sys.argv[1])
key = ec.derive_private_key(ask["secret"], ec.SECP256R1())
cred_id = ask["credId"].encode()
flags = ask["flags"]
rp_hash = hashlib.sha256(ask["rpId"].encode()).digest()
client_data = json.dumps({"type": "webauthn." + ask["op"], "challenge": ask["challenge"],
                          "origin": ask["origin"], "crossOrigin": False}).encode()
if ask["op"] == "create":
    numbers = key.public_key().public_numbers()
    cose = cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                 -3: numbers.y.to_bytes(32, "big")})
    auth_data = (rp_hash + bytes([flags | 0x40]) + struct.pack(">I", ask["counter"])
                 + bytes(16) + struct.pack(">H", len(cred_id)) + cred_id + cose)
    attestation = cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
    response = {"attestationObject": b64(attestation), "clientDataJSON": b64(client_data)}
else:
    auth_data = rp_hash + bytes([flags]) + struct.pack(">I", ask["counter"])
    signed = auth_data + hashlib.sha256(client_data).digest()
    signature = key.sign(signed, ec.ECDSA(hashes.SHA256()))
    response = {"authenticatorData": b64(auth_data), "clientDataJSON": b64(client_data),
                "signature": b64(signature)}
    if ask.get("userHandle"):
        response["userHandle"] = b64(uuid.UUID(ask["userHandle"]).bytes)
print(json.dumps({"id": b64(cred_id), "rawId": b64(cred_id), "type": "public-key",
                  "response": response, "extensions": {}}))
"#;

/// User present and user verified, as a passkey with a PIN answers.
const VERIFIED: u8 = 0x05;

/// A software passkey: its credential id and its private key's scalar.
struct SoftKey {
    cred_id: String,
    secret: u64,
    counter: u32,
}

impl SoftKey {
    fn new(name: &str) -> SoftKey {
        let secret = 1_000_003 + name.bytes().map(u64::from).sum::<u64>() * 7919;
        let cred_id = format!("{name}-{}", uuid::Uuid::new_v4().simple());
        SoftKey {
            cred_id,
            secret,
            counter: 0,
        }
    }

    /// What `navigator.credentials.create` gives for `options`.
    async fn create(&self, app: &TestApp, options: &Value) -> Value {
        self.run(app, "create", options, None, VERIFIED).await
    }

    /// What `navigator.credentials.get` gives for `options`, naming the
    /// account `user_handle` (a UUID) or none.
    async fn get(&self, app: &TestApp, options: &Value, user_handle: Option<&str>) -> Value {
        self.run(app, "get", options, user_handle, VERIFIED).await
    }

    async fn run(
        &self,
        app: &TestApp,
        op: &str,
        options: &Value,
        user_handle: Option<&str>,
        flags: u8,
    ) -> Value {
        let ask = json!({
            "op": op,
            "secret": self.secret,
            "credId": self.cred_id,
            "flags": flags,
            "counter": self.counter,
            "rpId": "localhost",
            "origin": rp_origin(app),
            "challenge": options["publicKey"]["challenge"],
            "userHandle": user_handle,
        });
        let output = tokio::time::timeout(
            Duration::from_secs(30),
            Command::new(PYTHON)
                .arg("-c")
                .arg(AUTHENTICATOR)
                .arg(ask.to_string())
                .kill_on_drop(true)
                .output(),
        )
        .await
        .expect("the software authenticator answers within 30 s")
        .unwrap_or_else(|e| panic!("{PYTHON} runs (python3-cryptography?): {e}"));
        assert!(
            output.status.success(),
            "the software authenticator failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("a credential as JSON")
    }
}

/// The relying party's origin: the default `--public-url` of a loopback
/// bind, `http://localhost:<port>`.
fn rp_origin(app: &TestApp) -> String {
    app.origin().replace("127.0.0.1", "localhost")
}

/// The form session's cookie a response set (`name=value`).
fn forms_cookie(response: &Response) -> String {
    let line = set_cookies(response.headers())
        .remove("sesame_forms")
        .expect("a form session cookie");
    format!("sesame_forms={}", cookie_value(&line))
}

/// Options asked for in a browser: the form session's cookie, the options.
async fn options_of(response: Response) -> (String, Value) {
    assert_eq!(response.status(), StatusCode::OK, "options are given");
    let cookie = forms_cookie(&response);
    (cookie, response.json().await.unwrap())
}

/// `user` adds `key` as the profile does: the options (with the password),
/// then the browser's answer. Asserts it is added.
async fn add_passkey(app: &TestApp, user: &TestUser, key: &SoftKey) {
    let bearer = || Headers::new().bearer(&user.access_token);
    let (cookie, options) = options_of(app.passkey_options(bearer(), PASSWORD, "Key").await).await;
    let credential = key.create(app, &options).await;
    let body = json!({"credential": credential});
    let response = app.add_passkey(bearer().cookie(&cookie), &body).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "the passkey is added"
    );
}

/// A passkey sign-in's request as a browser sends it: the form session's
/// cookie of the options and the body with `key`'s answer for `user_id`.
async fn passkey_sign_in_request(app: &TestApp, key: &SoftKey, user_id: &str) -> (String, Value) {
    let (cookie, options) = options_of(app.passkey_login_options(Headers::new()).await).await;
    let credential = key.get(app, &options, Some(user_id)).await;
    (cookie, json!({"credential": credential}))
}

/// The number of passkeys `/api/passkeys` lists for `user`.
async fn passkeys_listed(app: &TestApp, user: &TestUser) -> usize {
    let response = app
        .passkeys(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = response.json().await.unwrap();
    list.as_array().unwrap().len()
}

#[actix_web::test]
async fn the_software_authenticator_adds_a_passkey_that_signs_in() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let key = SoftKey::new("own");
    add_passkey(&app, &user, &key).await;
    let (cookie, body) = passkey_sign_in_request(&app, &key, &user.id).await;
    let response = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let signed_in: Value = response.json().await.unwrap();
    assert_eq!(signed_in["user"]["id"], user.id.as_str());
}

#[actix_web::test]
async fn a_session_thief_cannot_add_a_passkey_with_options_made_for_another_account() {
    let app = spawn_app().await;
    let victim = app.new_user().await;
    let thief = app.new_user().await;
    // The thief asks for options on their own account, with their own
    // password: the state lands in their browser's form session.
    let thief_bearer = Headers::new().bearer(&thief.access_token);
    let (cookie, options) =
        options_of(app.passkey_options(thief_bearer, PASSWORD, "Mine").await).await;
    let key = SoftKey::new("thief");
    let credential = key.create(&app, &options).await;
    // The answer, sent with the victim's stolen access token: the victim's
    // password was never given.
    let victim_bearer = Headers::new().bearer(&victim.access_token).cookie(&cookie);
    let response = app
        .add_passkey(victim_bearer, &json!({"credential": credential}))
        .await;
    let status = response.status();
    assert_ne!(
        status,
        StatusCode::CREATED,
        "a passkey was added to the victim's account without the victim's password"
    );
    assert_error(response, StatusCode::BAD_REQUEST, "no_passkey_challenge").await;
    assert_eq!(passkeys_listed(&app, &victim).await, 0);
    // And so it cannot sign in as the victim, whatever user handle it names.
    let (cookie, body) = passkey_sign_in_request(&app, &key, &victim.id).await;
    let response = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
}

#[actix_web::test]
async fn a_passkey_sign_in_replayed_with_its_cookie_signs_nobody_in_again() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    // A synced passkey: its signature counter stays 0, as Apple's and
    // Google's do, so the counter cannot tell a replay.
    let key = SoftKey::new("synced");
    add_passkey(&app, &user, &key).await;
    let (cookie, body) = passkey_sign_in_request(&app, &key, &user.id).await;
    let first = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert_eq!(first.status(), StatusCode::OK);
    // Whoever saw that request (a proxy's log, a shared machine) sends it
    // again, cookie and all, within the options' 5 minutes.
    let replayed = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert!(
        !set_cookies(replayed.headers()).contains_key("accessToken"),
        "a replayed assertion opened a second session"
    );
    assert_error(replayed, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
    // New options still sign in.
    let (cookie, body) = passkey_sign_in_request(&app, &key, &user.id).await;
    let again = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert_eq!(again.status(), StatusCode::OK, "fresh options still work");
}

#[actix_web::test]
async fn a_second_step_passkey_answer_replayed_with_a_new_ticket_signs_nobody_in() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let key = SoftKey::new("second-step");
    add_passkey(&app, &user, &key).await;
    // TOTP on, as a confirmed enrolment leaves the row: a password asks
    // for a second step.
    run_sql(
        &app,
        &format!("UPDATE users SET totp_on = true WHERE id = '{}'", user.id),
    );
    let new_ticket = || async {
        let response = app.login(&user.email, PASSWORD).await;
        let body = assert_error(response, StatusCode::UNAUTHORIZED, "second_factor_required").await;
        body["ticket"].as_str().unwrap().to_owned()
    };
    let ticket = new_ticket().await;
    let asked = json!({"ticket": ticket});
    let (cookie, options) = options_of(
        app.second_step_passkey_options(Headers::new(), &asked)
            .await,
    )
    .await;
    let credential = key.get(&app, &options, Some(&user.id)).await;
    let body = json!({"ticket": ticket, "credential": credential});
    let response = app
        .second_step_passkey(Headers::new().cookie(&cookie), &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    // A phisher with the password gets a ticket of their own and sends the
    // owner's answer (and its cookie) again.
    let ticket = new_ticket().await;
    let body = json!({"ticket": ticket, "credential": credential});
    let replayed = app
        .second_step_passkey(Headers::new().cookie(&cookie), &body)
        .await;
    assert!(
        !set_cookies(replayed.headers()).contains_key("accessToken"),
        "the owner's passkey answer passed the phisher's second step"
    );
    assert_error(replayed, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
}

/// Runs `sql` (the same on both backends) on the server's database.
fn run_sql(app: &TestApp, sql: &str) {
    use diesel::RunQueryDsl;
    let query = diesel::sql_query(sql);
    match app.database() {
        TestDb::Sqlite(mut conn) => query.execute(&mut conn),
        TestDb::Postgres(mut conn) => query.execute(&mut conn),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[actix_web::test]
async fn a_credential_id_longer_than_webauthn_allows_is_refused_and_long_ones_never_break_the_options(
) {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let bearer = || Headers::new().bearer(&user.access_token);
    let key_of_length = |bytes: usize| {
        let mut key = SoftKey::new("long");
        let unique = uuid::Uuid::new_v4().simple().to_string();
        key.cred_id = format!("{unique}{}", "a".repeat(bytes - unique.len()));
        key
    };
    // Past WebAuthn's 1023 bytes: refused, nothing stored.
    let (cookie, options) = options_of(app.passkey_options(bearer(), PASSWORD, "Key").await).await;
    let credential = key_of_length(4000).create(&app, &options).await;
    let response = app
        .add_passkey(bearer().cookie(&cookie), &json!({"credential": credential}))
        .await;
    assert_ne!(
        response.status(),
        StatusCode::CREATED,
        "a 4000-byte id was stored"
    );
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
    assert_eq!(passkeys_listed(&app, &user).await, 0);
    // Ids of the longest length allowed: the options to add one more are
    // still given (not a 500 from a cookie too big to send).
    for _ in 0..3 {
        add_passkey(&app, &user, &key_of_length(1023)).await;
    }
    let (_, options) = options_of(app.passkey_options(bearer(), PASSWORD, "Key").await).await;
    let excluded = options["publicKey"]["excludeCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(excluded.len(), 3, "none of the account's passkeys again");
}

#[actix_web::test]
async fn the_options_one_password_asked_for_add_one_passkey_not_one_per_replay() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let bearer = || Headers::new().bearer(&user.access_token);
    let (cookie, options) = options_of(app.passkey_options(bearer(), PASSWORD, "Key").await).await;
    let first = SoftKey::new("first").create(&app, &options).await;
    let response = app
        .add_passkey(bearer().cookie(&cookie), &json!({"credential": first}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // The same options' cookie, sent again with another authenticator's
    // answer (whoever holds the browser for the next 5 minutes).
    let second = SoftKey::new("second").create(&app, &options).await;
    let response = app
        .add_passkey(bearer().cookie(&cookie), &json!({"credential": second}))
        .await;
    assert_ne!(
        response.status(),
        StatusCode::CREATED,
        "a second passkey was added on the password given for one"
    );
    assert_error(response, StatusCode::BAD_REQUEST, "no_passkey_challenge").await;
    assert_eq!(passkeys_listed(&app, &user).await, 1);
}

#[actix_web::test]
async fn with_passkeys_off_every_ceremony_answer_is_told_so_not_a_bad_request() {
    let app = spawn_app_with(|s| s.public_url = Some("http://127.0.0.1:9".into())).await;
    let user = app.new_user().await;
    // A well-formed answer, as a page loaded before the operator changed
    // the public address would send.
    let credential = json!({
        "id": "a2V5", "rawId": "a2V5", "type": "public-key", "extensions": {},
        "response": {"authenticatorData": "AA", "clientDataJSON": "e30", "signature": "AA"},
    });
    let bearer = Headers::new().bearer(&user.access_token);
    let answers = [
        app.add_passkey(bearer, &json!({"credential": credential})).await,
        app.passkey_login(Headers::new(), &json!({"credential": credential}))
            .await,
        app.second_step_passkey(
            Headers::new(),
            &json!({"ticket": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "credential": credential}),
        )
        .await,
    ];
    for response in answers {
        assert_error(
            response,
            StatusCode::NOT_IMPLEMENTED,
            "passkeys_unavailable",
        )
        .await;
    }
}

#[actix_web::test]
async fn this_was_not_me_removes_the_passkeys_added_since_that_sign_in() {
    use reqwest::Method;
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| {
        smtp.configure(s);
        s.trusted_proxies = sesame::config::TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let from = |agent: &str, address: &str| {
        Headers::new()
            .header("User-Agent", agent)
            .forwarded_for(address)
    };
    let home = || {
        from(
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0",
            "198.51.100.7",
        )
    };
    let email = format!("owner-{}@example.com", uuid::Uuid::new_v4().simple());
    let response = app.register_with(home(), "Owner", &email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let owner = TestUser::from_sign_in(&email, response).await;
    run_sql(
        &app,
        &format!(
            "UPDATE users SET email_verified = TRUE WHERE id = '{}'",
            owner.id
        ),
    );
    // The owner's own passkey, added before anything happened.
    let own_key = SoftKey::new("owner");
    add_passkey(&app, &owner, &own_key).await;
    // A phisher with the password signs in from elsewhere and plants a
    // passkey of their own (the password is all adding one asks for).
    let elsewhere = from(
        "Mozilla/5.0 (Linux; Android 14) Chrome/131.0.0.0",
        "203.0.113.9",
    );
    let response = app.login_with(elsewhere, &email, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let intruder = TestUser::from_sign_in(&email, response).await;
    let planted = SoftKey::new("planted");
    add_passkey(&app, &intruder, &planted).await;
    // The owner is alerted and says "this wasn't me".
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    let alert = loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let mail = smtp.next_mail_to(&email, left).await;
        if mail.subject.as_deref() == Some("New sign-in to your sesame account") {
            break mail;
        }
    };
    let text = alert.text();
    let at = text.find("/sign-in/not-me?token=").expect("a not-me link");
    let link: String = text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect();
    let first = Page::of(app.send_raw(Method::GET, &link, Headers::new(), None).await).await;
    let forms = first.forms_cookie();
    let shown = Page::of(
        app.send_raw(
            Method::GET,
            "/sign-in/not-me",
            Headers::new().cookie(&forms),
            None,
        )
        .await,
    )
    .await;
    let forms = shown.forms_cookie.clone().unwrap_or(forms);
    let used = app
        .press_link_button("/sign-in/not-me", &forms, &shown.csrf())
        .await;
    assert_eq!(
        used.status(),
        StatusCode::SEE_OTHER,
        "the session is disowned"
    );
    // The planted passkey no longer signs in; the owner's still does.
    let (cookie, body) = passkey_sign_in_request(&app, &planted, &owner.id).await;
    let response = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert!(
        !set_cookies(response.headers()).contains_key("accessToken"),
        "the disowned sign-in's passkey still signs in"
    );
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_passkey").await;
    let (cookie, body) = passkey_sign_in_request(&app, &own_key, &owner.id).await;
    let response = app
        .passkey_login(Headers::new().cookie(&cookie), &body)
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the owner's passkey stays"
    );
    let me: Value = app.me(&owner.access_token).await.json().await.unwrap();
    assert_eq!(me["secondFactor"]["passkeys"], 1, "{me}");
}
