//! sesame as an OpenID Connect provider, black-box: a client registered
//! with the real command, the browser's requests and the app's.

mod authorize_errors;
mod backchannel;
mod backchannel_expiry;
mod browser;
mod clients;
mod consent_bound;
mod flow;
mod grants;
mod hostile;
mod introspect;
mod logout;
mod reauthentication;
mod receiver;
mod revoke;
