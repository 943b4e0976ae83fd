//! The two token cookies, with exactly the contract's attributes.

use actix_web::cookie::{time::Duration, Cookie, SameSite};

pub const ACCESS_COOKIE: &str = "accessToken";
pub const REFRESH_COOKIE: &str = "refreshToken";

/// Whether cookies carry `Secure` (the `--cookie-secure` setting).
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    /// `accessToken`: sent with every request to this site (`Path=/`), but
    /// not with cross-site subresource requests or posts (`SameSite=Lax`).
    pub fn access(&self, token: &str, max_age_secs: i64) -> Cookie<'static> {
        self.build(ACCESS_COOKIE, token, "/", SameSite::Lax, max_age_secs)
    }

    /// `refreshToken`: only ever sent to `/auth/*`, and never cross-site.
    pub fn refresh(&self, token: &str, max_age_secs: i64) -> Cookie<'static> {
        self.build(
            REFRESH_COOKIE,
            token,
            "/auth",
            SameSite::Strict,
            max_age_secs,
        )
    }

    /// Both cookies, expired.
    pub fn cleared(&self) -> [Cookie<'static>; 2] {
        [self.access("", 0), self.refresh("", 0)]
    }

    fn build(
        &self,
        name: &'static str,
        value: &str,
        path: &'static str,
        same_site: SameSite,
        max_age_secs: i64,
    ) -> Cookie<'static> {
        Cookie::build(name, value.to_owned())
            .http_only(true)
            .same_site(same_site)
            .path(path)
            .max_age(Duration::seconds(max_age_secs.max(0)))
            .secure(self.secure)
            .finish()
    }
}
