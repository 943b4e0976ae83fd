//! Forward auth: what a reverse proxy (nginx `auth_request`, Traefik
//! ForwardAuth, Caddy `forward_auth`) asks before it lets a request through to
//! an app behind it (`verify`), and the page it shows instead when the answer
//! is no (`required`).

pub mod required;
pub mod verify;
