//! The command line: the commands, each with the flags it uses
//! (`server.rs`), and how they are read (`parse.rs`).

mod clients;
mod parse;
mod server;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

pub use clients::{ClientsCommand, NewClientArgs};
pub use parse::parse;
pub use server::{AccessTtlArg, DatabaseArg, ServerArgs, SessionLifetimes};

use super::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "sesame",
    version,
    about = "A self-contained login system for web apps."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub database: DatabaseArg,

    /// The server's flags; a command given with one of them before it is
    /// refused (`parse.rs`): it takes only its own.
    #[command(flatten)]
    pub server: ServerArgs,
}

// Made once per run: the size of `Serve` costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Start the server (what runs when no command is given).
    Serve(ServerArgs),
    /// Delete ended sessions (with their refresh tokens) now, then exit.
    Purge(SessionLifetimes),
    /// The access-token signing keys.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Show a user, replace their roles, disable or enable them (beside running servers).
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// The apps that sign users in through sesame (OpenID Connect).
    Clients {
        #[command(subcommand)]
        command: ClientsCommand,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum KeysCommand {
    /// Make a new signing key of each algorithm (or of --alg) now; running
    /// servers sign with it within 5 s.
    Rotate {
        /// Only the key of this algorithm: EdDSA (access tokens) or RS256
        /// (ID tokens).
        #[arg(long, value_name = "ALG", value_parser = ["EdDSA", "RS256"])]
        alg: Option<String>,
    },
    /// Take a key out at once (it may have leaked): unpublished, its tokens
    /// refused within 5 s, its private half deleted; if it signs, a new key
    /// signs in its place.
    Revoke {
        /// The key's kid, as `sesame keys list` prints it (one may begin
        /// with `-`: base64url).
        #[arg(value_name = "KID", allow_hyphen_values = true)]
        kid: String,
    },
    /// One line per key: its kid, its algorithm, when it was made, and whether it is next
    /// (published, signs soon), signs, is retired (still published), is gone
    /// or is revoked.
    List(AccessTtlArg),
}

/// `sesame users …`
#[derive(Debug, Clone, Subcommand)]
pub enum UsersCommand {
    /// Print the user's id, email, name and roles.
    Show {
        /// The user's email.
        #[arg(value_name = "EMAIL")]
        email: String,
    },
    /// Replace the user's roles: ROLE[,ROLE…], each 1 to 32 of a-z 0-9 _ -; "" clears them.
    SetRoles {
        /// The user's email.
        #[arg(value_name = "EMAIL")]
        email: String,
        /// The new roles, comma-separated (admin,editor); "" for none.
        #[arg(value_name = "ROLES")]
        roles: String,
    },
    /// Disable the account: its sessions end at once, sign-in is refused.
    Disable {
        /// The user's email.
        #[arg(value_name = "EMAIL")]
        email: String,
    },
    /// Enable a disabled account again.
    Enable {
        /// The user's email.
        #[arg(value_name = "EMAIL")]
        email: String,
    },
}

/// A setting that cannot be used; its text is the one line printed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Cli {
    /// The settings no flag, variable or `.env` changed: the defaults
    /// written on the flags, which are thus written only once.
    pub fn defaults() -> Settings {
        let command = Cli::command().mut_args(|arg| arg.env(None::<&str>));
        let defaults = command
            .try_get_matches_from(["sesame"])
            .and_then(|matches| Cli::from_arg_matches(&matches))
            .map_err(|e| ConfigError(e.to_string()))
            .and_then(|cli| cli.server.into_settings(cli.database.database_url));
        // Every default is a valid value: a unit test (cli/tests.rs) parses them all.
        defaults.expect("the defaults are valid settings")
    }
}

impl Command {
    /// Whether it opens the sessions' keys (`SESAME_REFRESH_SECRET`).
    pub fn uses_refresh_secret(&self) -> bool {
        // Disabling ends sessions: it opens them as `purge` does.
        !matches!(
            self,
            Command::Users {
                command: UsersCommand::Show { .. } | UsersCommand::SetRoles { .. }
            }
        )
    }

    /// Whether it signs or lists signing keys (`SESAME_SIGNING_KEY`).
    pub fn uses_signing_key(&self) -> bool {
        matches!(self, Command::Serve(_) | Command::Keys(_))
    }
}

#[cfg(test)]
mod tests;
