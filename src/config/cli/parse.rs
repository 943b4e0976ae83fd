//! Reading the command line: each command with its own flags, and the
//! environment's variables only for the flags it uses, so that an env file
//! shared with the server (every `SESAME_*` set) never stops a command.

use std::ffi::OsString;

use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Args, CommandFactory, FromArgMatches, Parser};

use super::{Cli, Command, ConfigError, KeysCommand, ServerArgs};
use crate::config::Settings;

/// The command and its settings (the secrets from the environment are
/// added by `load`). Help and version print and exit here; a mistake on the
/// command line is clap's whole message: what is wrong, the usage line, a
/// "did you mean" tip. No flag that may hold a secret has a value parser
/// that quotes its value (`--database-url`, `--smtp-url`).
pub fn parse(args: Vec<OsString>) -> Result<(Command, Settings), ConfigError> {
    // The server's flags sit on `sesame` itself: their variables are read
    // only once it is known that no command was given.
    let database_only = Cli::command().mut_args(|arg| match arg.get_id() == "database_url" {
        true => arg,
        false => arg.env(None::<&str>),
    });
    let matches = match database_only.try_get_matches_from(&args) {
        Ok(matches) => matches,
        // The server's help with its variables named, as the full command shows it.
        Err(e) if !e.use_stderr() => match Cli::command().try_get_matches_from(&args) {
            Err(full) if !full.use_stderr() => full.exit(),
            _ => e.exit(),
        },
        Err(e) => return Err(clap_error(e)),
    };
    let cli = Cli::from_arg_matches(&matches).map_err(clap_error)?;
    let database = cli.database.database_url;
    let Some(command) = cli.command else {
        let cli = Cli::try_parse_from(&args).map_err(clap_error)?;
        let settings = cli.server.clone().into_settings(database)?;
        return Ok((Command::Serve(cli.server), settings));
    };
    refuse_server_flags_before(&command, &matches)?;
    let mut settings = Settings {
        database,
        ..Settings::default()
    };
    match &command {
        Command::Serve(server) => {
            settings = server.clone().into_settings(settings.database)?;
        }
        Command::Purge(lifetimes) => lifetimes.clone().apply(&mut settings),
        Command::Keys(KeysCommand::List(access)) => settings.access_ttl = access.access_ttl,
        Command::Keys(_) | Command::Users { .. } | Command::Clients { .. } => {}
    }
    Ok((command, settings))
}

/// `sesame --bind ADDR users …`: a server flag the command does not use,
/// refused as clap refuses one given after the command.
fn refuse_server_flags_before(
    command: &Command,
    matches: &clap::ArgMatches,
) -> Result<(), ConfigError> {
    let server_flags = ServerArgs::augment_args(clap::Command::new("server"));
    let given = server_flags
        .get_arguments()
        .find(|arg| matches.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine));
    let Some(flag) = given else {
        return Ok(());
    };
    let name = match command {
        Command::Serve(_) => "serve",
        Command::Purge(_) => "purge",
        Command::Keys(_) => "keys",
        Command::Users { .. } => "users",
        Command::Clients { .. } => "clients",
    };
    let error = Cli::command().error(
        ErrorKind::ArgumentConflict,
        format!(
            "the server's '--{}' cannot be used with '{name}': each command takes only \
             its own flags, after it (sesame {name} --help)",
            flag.get_long().unwrap_or(flag.get_id().as_str())
        ),
    );
    Err(clap_error(error))
}

fn clap_error(error: clap::Error) -> ConfigError {
    ConfigError(error.to_string().trim_end().to_owned())
}
