//! The `users` table.

use diesel::prelude::*;

use super::schema::users;
use super::Conn;
use crate::clock::Millis;
use crate::error::AppError;

/// An account. Not `Debug`: it holds the password hash.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = users, check_for_backend(diesel::sqlite::Sqlite))]
pub struct User {
    pub id: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: Millis,
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
    Ok(diesel::insert_into(users::table)
        .values(user)
        .on_conflict_do_nothing()
        .returning(User::as_returning())
        .get_result(conn)
        .optional()?)
}

/// The user with this (already normalised) email.
pub fn find_by_email(conn: &mut Conn, email: &str) -> Result<Option<User>, AppError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(User::as_select())
        .get_result(conn)
        .optional()?)
}
