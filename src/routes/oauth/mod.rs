//! The OpenID Connect provider's endpoints (`/.well-known/openid-configuration`
//! and `/oauth/*`): thin handlers over `auth::oidc::OpenIdProvider`. Errors
//! are OAuth's own (`error::OAuthError`), except where RFC 6749 says a
//! request must not be redirected: an HTML error page.

pub mod authorize;
pub mod client_auth;
pub mod consent;
pub mod discovery;
pub mod form_body;
pub mod introspect;
pub mod logout;
pub mod revoke;
pub mod token;
pub mod userinfo;
