//! PostgreSQL's own rotation rate: the statements of sesame's rotation
//! (`auth/sessions/refresh.rs` over `db/sessions.rs`, `db/refresh_tokens.rs`
//! and `db/listen.rs`), built the same way with Diesel, in a loop on
//! PostgreSQL directly: no HTTP, no sesame, no pool. The baseline of the
//! PostgreSQL `refresh` row; a change to those statements belongs here too.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use diesel::prelude::*;
use sha2::{Digest, Sha256};

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Binary,
        session_id -> Text,
        generation -> BigInt,
        created_at -> BigInt,
        spent_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        user_agent -> Nullable<Text>,
        generation -> BigInt,
        created_at -> BigInt,
        last_used_at -> BigInt,
        idle_expires_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        name -> Text,
        email -> Text,
        password_hash -> Text,
        created_at -> BigInt,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(refresh_tokens, sessions, users);

type SessionRow = (
    String,
    String,
    Option<String>,
    i64,
    i64,
    i64,
    i64,
    i64,
    Option<i64>,
);
type UserRow = (String, String, String, String, i64);
type TokenRow = (Vec<u8>, String, i64, i64, Option<i64>);

/// sesame's default idle lifetime (7 days), in ms.
const IDLE: i64 = 7 * 24 * 3600 * 1000;

/// Rotations per second over `duration`: each session whose current token
/// the database at `url` holds (up to `sessions` of them) rotating in a
/// loop of one transaction each, on its own connection in its own thread.
pub fn rotations_per_second(url: &str, sessions: usize, duration: Duration) -> f64 {
    let mut conn = PgConnection::establish(url).expect("the database answers");
    let current: Vec<(String, Vec<u8>)> = refresh_tokens::table
        .filter(refresh_tokens::spent_at.is_null())
        .select((refresh_tokens::session_id, refresh_tokens::token_hash))
        .limit(sessions as i64)
        .load(&mut conn)
        .expect("the sessions' tokens");
    assert_eq!(current.len(), sessions, "a session for each thread");
    let started = Instant::now();
    let threads: Vec<_> = current
        .into_iter()
        .map(|(session, token)| {
            let url = url.to_owned();
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).expect("the database answers");
                let mut token = token;
                let mut done = 0u64;
                while started.elapsed() < duration {
                    token = conn
                        .transaction(|conn| rotate(conn, &session, &token))
                        .expect("a rotation");
                    done += 1;
                }
                done
            })
        })
        .collect();
    let done: u64 = threads
        .into_iter()
        .map(|t| t.join().expect("a thread"))
        .sum();
    done as f64 / started.elapsed().as_secs_f64()
}

/// One rotation in the caller's transaction, statement for statement as
/// sesame's: the next token's hash.
fn rotate(conn: &mut PgConnection, id: &str, spent: &[u8]) -> QueryResult<Vec<u8>> {
    // `SessionWriter::lock_with_user`: lock, then read with the user.
    sessions::table
        .find(id)
        .select(sessions::id)
        .for_update()
        .get_result::<String>(conn)?;
    let (session, _user) = sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(id))
        .select((sessions::all_columns, users::all_columns))
        .get_result::<(SessionRow, UserRow)>(conn)?;
    let now = now_ms();
    // `spending`.
    let presented = refresh_tokens::table
        .find(spent)
        .select(refresh_tokens::all_columns)
        .get_result::<TokenRow>(conn)
        .optional()?;
    assert!(
        presented.is_some_and(|t| t.4.is_none()),
        "the current token"
    );
    // `Rotation::apply`: spend, advance, prune, insert the next.
    let generation = session.3;
    let spent_now = diesel::update(
        refresh_tokens::table
            .find(spent)
            .filter(refresh_tokens::spent_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(now))
    .execute(conn)?;
    let advanced = diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::generation.eq(generation)),
    )
    .set((
        sessions::generation.eq(generation + 1),
        sessions::last_used_at.eq(now),
        sessions::idle_expires_at.eq(now + IDLE),
    ))
    .execute(conn)?;
    assert_eq!((spent_now, advanced), (1, 1), "one rotation at a time");
    diesel::delete(
        refresh_tokens::table
            .filter(refresh_tokens::session_id.eq(id))
            .filter(refresh_tokens::generation.lt(generation)),
    )
    .execute(conn)?;
    let next: Vec<u8> = Sha256::digest(format!("{id}.{}", generation + 1)).to_vec();
    diesel::insert_into(refresh_tokens::table)
        .values((
            refresh_tokens::token_hash.eq(&next),
            refresh_tokens::session_id.eq(id),
            refresh_tokens::generation.eq(generation + 1),
            refresh_tokens::created_at.eq(now),
            refresh_tokens::spent_at.eq(None::<i64>),
        ))
        .execute(conn)?;
    // `db::announce`, heard by every instance's listener at commit.
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<diesel::sql_types::Text, _>("sesame_sessions")
        .bind::<diesel::sql_types::Text, _>(format!("s {id}"))
        .execute(conn)?;
    Ok(next)
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock");
    i64::try_from(since.as_millis()).expect("ms fit")
}
