use std::process::ExitCode;

use sesame::auth::oidc::{AddedClient, OidcClient};
use sesame::auth::Profile;
use sesame::config::{self, ClientsCommand, Command, KeysCommand, UsersCommand};
use sesame::domain::IdTokenAlg;
use sesame::startup::{Application, StopSignals};

fn main() -> ExitCode {
    let (command, settings) = match config::from_args() {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::from(2);
        }
    };
    // `listening on http://ADDR` is promised whatever RUST_LOG says, unless
    // RUST_LOG names `sesame::startup` itself.
    env_logger::Builder::new()
        .filter_module("sesame::startup", log::LevelFilter::Info)
        .parse_env(env_logger::Env::default().default_filter_or("info"))
        .init();
    match command {
        Command::Serve(_) => serve(settings),
        Command::Purge(_) => purge(settings),
        Command::Keys(KeysCommand::Rotate { alg }) => rotate_keys(&settings, alg.as_deref()),
        Command::Keys(KeysCommand::Revoke { kid }) => revoke_key(&settings, &kid),
        Command::Keys(KeysCommand::List(_)) => list_keys(&settings),
        Command::Users { command } => users(settings, command),
        Command::Clients { command } => clients(settings, command),
    }
}

/// Exit status 2 when it cannot start (a setting it cannot use: the
/// address, the database, the keys), 1 when the running server fails.
fn serve(settings: config::Settings) -> ExitCode {
    actix_web::rt::System::new().block_on(async move {
        let stop_signals = match StopSignals::listen() {
            Ok(signals) => signals,
            Err(error) => {
                eprintln!("error: cannot listen for SIGTERM and SIGINT: {error}");
                return ExitCode::from(2);
            }
        };
        let app = match Application::build(settings) {
            Ok(app) => app,
            Err(error) => {
                eprintln!("error: {error}");
                return ExitCode::from(2);
            }
        };
        stop_signals.stop(app.handle());
        match app.run_until_stopped().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                log::error!("the server failed: {error}");
                ExitCode::FAILURE
            }
        }
    })
}

/// `sesame purge`: one purge of the database the settings name.
fn purge(settings: config::Settings) -> ExitCode {
    actix_web::rt::System::new().block_on(async move {
        match sesame::startup::purge_once(&settings).await {
            Ok(purged) => {
                println!(
                    "purged {} ended sessions and {} refresh tokens",
                    purged.sessions, purged.refresh_tokens
                );
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        }
    })
}

/// `sesame keys rotate`: `new ALG signing key KID` for each key made.
fn rotate_keys(settings: &config::Settings, alg: Option<&str>) -> ExitCode {
    match sesame::startup::rotate_keys(settings, alg) {
        Ok(keys) => {
            for key in keys {
                println!("new {} signing key {}", key.alg(), key.kid);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// `sesame keys revoke KID`: `revoked signing key KID`, then `new ALG
/// signing key NEW` when the revoked key signed.
fn revoke_key(settings: &config::Settings, kid: &str) -> ExitCode {
    match sesame::startup::revoke_key(settings, kid) {
        Ok(revocation) => {
            println!("revoked signing key {kid}");
            if let Some(key) = revocation.replaced_by {
                println!("new {} signing key {}", key.alg(), key.kid);
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// `sesame keys list`: `KID  ALG  MADE  STATE`, oldest first.
fn list_keys(settings: &config::Settings) -> ExitCode {
    match sesame::startup::list_keys(settings) {
        Ok(keys) => {
            for (key, state) in keys {
                // A key given by SESAME_SIGNING_KEY was made elsewhere.
                let made = match settings.signing_key {
                    Some(_) if key.alg() == IdTokenAlg::EdDsa => "SESAME_SIGNING_KEY".to_owned(),
                    _ => sesame::clock::rfc3339(key.created_at),
                };
                println!("{}  {}  {made}  {}", key.kid, key.alg(), state.as_str());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(2)
        }
    }
}

/// `sesame users show|set-roles|disable|enable`: prints the user, as the command left it;
/// status 2 and one line when it cannot (a bad role, an unknown email).
fn users(settings: config::Settings, command: UsersCommand) -> ExitCode {
    actix_web::rt::System::new().block_on(async move {
        let done = match &command {
            UsersCommand::Show { email } => sesame::startup::show_user(&settings, email).await,
            UsersCommand::SetRoles { email, roles } => {
                sesame::startup::set_user_roles(&settings, email, roles).await
            }
            UsersCommand::Disable { email } => {
                sesame::startup::set_user_disabled(&settings, email, true).await
            }
            UsersCommand::Enable { email } => {
                sesame::startup::set_user_disabled(&settings, email, false).await
            }
        };
        match done {
            Ok(user) => {
                print_user(&user);
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        }
    })
}

/// One `key: value` line each; roles comma-separated, nothing after
/// `roles:` when none; `disabled: yes` last when disabled.
fn print_user(user: &Profile) {
    println!("id: {}", user.id);
    println!("email: {}", user.email);
    println!("name: {}", user.name);
    match user.roles.is_empty() {
        true => println!("roles:"),
        false => println!("roles: {}", user.roles.join(",")),
    }
    // Only when disabled: the lines above stay as scripts read them.
    if user.disabled {
        println!("disabled: yes");
    }
}

/// `sesame clients add|list|remove`: what the command did, on stdout;
/// status 2 and one line when it cannot (an unknown client_id).
fn clients(settings: config::Settings, command: ClientsCommand) -> ExitCode {
    actix_web::rt::System::new().block_on(async move {
        let done = match command {
            ClientsCommand::Add(args) => sesame::startup::add_client(&settings, args)
                .await
                .map(|added| print_added_client(&added)),
            ClientsCommand::List => sesame::startup::list_clients(&settings)
                .await
                .map(|clients| clients.iter().for_each(print_client)),
            ClientsCommand::Remove { client_id } => {
                sesame::startup::remove_client(&settings, &client_id)
                    .await
                    .map(|()| println!("removed client {client_id}; its sessions have ended"))
            }
        };
        match done {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::from(2)
            }
        }
    })
}

/// `client_id: ID`, then for a confidential app `client_secret: SECRET`
/// and a line saying it will not be shown again.
fn print_added_client(added: &AddedClient) {
    println!("client_id: {}", added.client_id);
    if let Some(secret) = &added.client_secret {
        println!("client_secret: {secret}");
        println!("The client secret is shown this once: sesame keeps only its hash. Store it now.");
    }
}

/// `ID  NAME  public|confidential  URI[ URI…]  ALG`.
fn print_client(client: &OidcClient) {
    let kind = match client.public {
        true => "public",
        false => "confidential",
    };
    println!(
        "{}  {}  {kind}  {}  {}",
        client.id,
        client.name,
        client.redirect_uris.join(" "),
        client.id_token_alg
    );
}
