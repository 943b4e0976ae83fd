//! `sesame clients …`: the apps that sign users in through sesame
//! (OpenID Connect). Each value is checked here, by the domain's own
//! parser, so a bad one is one line naming its flag and why (exit 2),
//! never quoting the value: a URI may hold a password.

use std::ffi::OsStr;

use clap::builder::TypedValueParser;
use clap::error::ErrorKind;
use clap::{Arg, Args, Subcommand};

use crate::domain::{ClientName, IdTokenAlg, RedirectUri};

#[derive(Debug, Clone, Subcommand)]
pub enum ClientsCommand {
    /// Register an app: prints its client_id and, unless --public, its
    /// client_secret (shown this once; only its hash is kept).
    Add(NewClientArgs),
    /// One line per app: its client_id, name, public or confidential,
    /// redirect URIs and ID-token algorithm (never a secret).
    List,
    /// Remove an app: every session it holds ends at once, and its tokens
    /// stop working.
    Remove {
        /// The app's client_id, as `sesame clients list` prints it.
        #[arg(value_name = "CLIENT_ID")]
        client_id: String,
    },
}

#[derive(Debug, Clone, Args)]
pub struct NewClientArgs {
    /// The app's name, shown on the consent page and the profile (1 to 100 characters).
    #[arg(value_name = "NAME", value_parser = Checked(ClientName::parse))]
    pub name: ClientName,

    /// Where the app is sent back after sign-in, matched exactly; repeat for more than one.
    #[arg(long = "redirect-uri", value_name = "URI", required = true, value_parser = Checked(RedirectUri::parse))]
    pub redirect_uris: Vec<RedirectUri>,

    /// No secret (a browser or native app): it must use PKCE.
    #[arg(long)]
    pub public: bool,

    /// Where the app may send users after RP-initiated logout; repeat for more than one.
    #[arg(long = "post-logout-redirect-uri", value_name = "URI", value_parser = Checked(RedirectUri::parse))]
    pub post_logout_redirect_uris: Vec<RedirectUri>,

    /// Where sesame posts a logout_token when a session of the app ends.
    #[arg(long, value_name = "URI", value_parser = Checked(RedirectUri::parse))]
    pub backchannel_logout_uri: Option<RedirectUri>,

    /// Never ask users to consent (an app of the team's own).
    #[arg(long)]
    pub skip_consent: bool,

    /// How the app's ID tokens are signed: RS256 (what every client knows) or EdDSA.
    #[arg(long, value_name = "ALG", default_value = "RS256", value_parser = Checked(parse_alg))]
    pub id_token_alg: IdTokenAlg,
}

fn parse_alg(text: &str) -> Result<IdTokenAlg, String> {
    text.parse()
}

/// A flag's value checked by `parse`; refused as `invalid value for
/// '--flag <VALUE>': why`, without the value.
#[derive(Clone)]
struct Checked<T>(fn(&str) -> Result<T, String>);

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Checked<T> {
    type Value = T;

    fn parse_ref(
        &self,
        _: &clap::Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        let flag = arg.map(ToString::to_string).unwrap_or_default();
        let refused = |reason: &str| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!("invalid value for '{flag}': {reason}\n"),
            )
        };
        let text = value
            .to_str()
            .ok_or_else(|| refused("must be valid UTF-8"))?;
        (self.0)(text).map_err(|reason| refused(&reason))
    }
}
