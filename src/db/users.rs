//! The `users` table.

use diesel::prelude::*;

use super::schema::users;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

mod search;
pub use search::search;

/// An account. Not `Debug`: it holds the password hash.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = users, check_for_backend(diesel::sqlite::Sqlite, diesel::pg::Pg))]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: Millis,
    /// Comma-separated, empty for none (see `domain::Roles`).
    pub roles: String,
    /// Whether a link mailed to `email` was opened.
    pub email_verified: bool,
    /// The second factors, kept by the writes that change them
    /// (`totp_secrets`, `passkeys`, `recovery_codes`).
    pub totp_on: bool,
    pub passkey_count: i32,
    pub recovery_codes_left: i32,
    /// When the account was disabled (`None`: enabled).
    pub disabled_at: Option<Millis>,
    /// When a sign-in last opened a session.
    pub last_sign_in_at: Option<Millis>,
}

#[derive(Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub created_at: Millis,
}

/// Inserts the user; `None` when the email is already taken.
pub fn insert(conn: &mut Conn, user: &NewUser) -> Result<Option<User>, AppError> {
    Ok(super::each_backend!(conn, |c| diesel::insert_into(
        users::table
    )
    .values(user)
    .on_conflict_do_nothing()
    .returning(User::as_returning())
    .get_result(c)
    .optional())?)
}

/// The user with this (already normalised) email.
pub fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<User>, AppError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .get_result(conn)
        .optional()?)
}

/// The user with this id.
pub fn find_by_id(conn: &mut Conn, id: &str) -> Result<Option<User>, AppError> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .get_result(conn)
        .optional()?)
}

/// The user with this id, their row locked until the transaction ends
/// (PostgreSQL: `FOR UPDATE`; SQLite's write transaction holds the whole
/// database already). What decides on the user's password (a sign-in's
/// session, a change, a reset, a deletion) takes it first, so those
/// decisions are taken one at a time, each on the row as it is then.
pub fn lock(conn: &mut Conn, id: &str) -> Result<Option<User>, AppError> {
    if let Conn::Postgres(pg) = conn {
        return Ok(users::table
            .find(id)
            .select(User::as_select())
            .for_update()
            .get_result(pg)
            .optional()?);
    }
    find_by_id(conn, id)
}

/// Deletes the user (their reset link goes with them: ON DELETE CASCADE;
/// their sessions must be gone first, see `SessionWriter`). False when
/// there was no such user.
pub fn delete(conn: &mut Conn, id: &str) -> Result<bool, AppError> {
    Ok(diesel::delete(users::table.find(id)).execute(conn)? == 1)
}

/// Replaces the user's password hash (a new password).
pub fn set_password_hash(conn: &mut Conn, id: &str, password_hash: &str) -> Result<(), AppError> {
    diesel::update(users::table.find(id))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    Ok(())
}

/// Replaces the user's password hash only while it is still `was`: a
/// rehash at another cost never replaces a newer password. False when it
/// was not (any more).
pub fn replace_password_hash(
    conn: &mut Conn,
    id: &str,
    was: &str,
    password_hash: &str,
) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.find(id).filter(users::password_hash.eq(was)))
        .set(users::password_hash.eq(password_hash))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Marks the user's address verified, only while it is still `email` (a
/// link to an address the account has left proves nothing). False when it
/// was not.
pub fn set_email_verified(conn: &mut Conn, id: &str, email: &str) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.find(id).filter(users::email.eq(email)))
        .set(users::email_verified.eq(true))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Makes `email` (proven by its link) the user's address, verified.
/// `Err(EmailTaken)` when another account has it.
pub fn set_verified_email(conn: &mut Conn, id: &str, email: &str) -> Result<(), AppError> {
    let taken: i64 = users::table
        .filter(users::email.eq(email))
        .filter(users::id.ne(id))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AppError::EmailTaken);
    }
    // A sign-up taking the address between the count and here is refused
    // by the unique index: the same answer.
    // In a savepoint: on PostgreSQL a refused statement would otherwise
    // spoil the whole transaction, and the 409 would become a 500.
    let updated = conn.transaction(|conn| {
        diesel::update(users::table.find(id))
            .set((users::email.eq(email), users::email_verified.eq(true)))
            .execute(conn)
    });
    match updated {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(AppError::EmailTaken),
        other => other.map(|_| ()).map_err(AppError::from),
    }
}

/// Replaces the user's name (already checked: `domain::UserName`).
pub fn set_name(conn: &mut Conn, id: &str, name: &str) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.find(id))
        .set(users::name.eq(name))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Replaces the roles of the user with this (already normalised) email:
/// `roles` as `domain::Roles` prints them. False when no user has it.
pub fn set_roles(conn: &mut Conn, email: &str, roles: &str) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.filter(users::email.eq(email)))
        .set(users::roles.eq(roles))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Disables the account as of `at` (`None`: enables it). False when there
/// is no such user.
pub fn set_disabled_at(conn: &mut Conn, id: &str, at: Option<Millis>) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.find(id))
        .set(users::disabled_at.eq(at))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Notes a sign-in that opened a session (in that session's write).
pub fn set_last_sign_in(conn: &mut Conn, id: &str, at: Millis) -> Result<(), AppError> {
    diesel::update(users::table.find(id))
        .set(users::last_sign_in_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// The highest bcrypt cost of the stored hashes (`$2b$12$…` is 12), if any.
pub fn highest_cost(conn: &mut Conn) -> Result<Option<u32>, AppError> {
    #[derive(QueryableByName)]
    struct Cost {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        cost: Option<String>,
    }
    let found = diesel::sql_query(
        // Two digits, zero-padded: their text sorts as their numbers do.
        "SELECT max(substr(password_hash, 5, 2)) AS cost FROM users",
    )
    .get_result::<Cost>(conn)
    .optional()?;
    Ok(found
        .and_then(|c| c.cost)
        .and_then(|cost| cost.parse().ok()))
}

/// Replaces the roles of the user with this id (`domain::Roles` as
/// printed). False when there is no such user.
pub fn set_roles_of(conn: &mut Conn, id: &str, roles: &str) -> Result<bool, AppError> {
    let changed = diesel::update(users::table.find(id))
        .set(users::roles.eq(roles))
        .execute(conn)?;
    Ok(changed == 1)
}
