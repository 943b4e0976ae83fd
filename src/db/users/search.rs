//! The admin console's search of the users: email or name, in any case,
//! a page at a time, with the count of all that match.

use diesel::prelude::*;

use super::User;
use crate::db::schema::users;
use crate::db::Conn;
use crate::error::AppError;

diesel::define_sql_function! {
    /// SQL's `lower()`: both backends have it.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// One page of the users whose email or name holds `needle`, in any case
/// (an empty needle: every user), oldest first; and how many match in all.
/// `%`, `_` and `\` in the needle are matched as themselves.
pub fn search(
    conn: &mut Conn,
    needle: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<User>, i64), AppError> {
    let pattern = format!("%{}%", escape_like(&needle.to_lowercase()));
    let matching = || {
        users::table.filter(
            lower(users::email)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(users::name).like(pattern.clone()).escape('\\')),
        )
    };
    let total: i64 = matching().count().get_result(conn)?;
    let found = matching()
        .order((users::created_at.asc(), users::id.asc()))
        .offset(offset)
        .limit(limit)
        .select(User::as_select())
        .load(conn)?;
    Ok((found, total))
}

/// `text` as a LIKE pattern that matches only itself (escape character `\`).
fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn a_needle_with_wildcards_matches_only_itself() {
        assert_eq!(escape_like("a%b_c\\d"), "a\\%b\\_c\\\\d");
        assert_eq!(escape_like("ada"), "ada");
    }
}
