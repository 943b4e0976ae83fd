//! sesame as an OpenID Connect provider.

mod clients;
mod introspect;
mod revoke;
