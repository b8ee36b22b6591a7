//! The server binary's commands: serve (the default), migrate, and create the first admin.

use std::io::{BufRead, IsTerminal};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

use crate::config::Settings;
use crate::startup;

#[derive(Parser)]
#[command(
    name = "server",
    about = "Switchboard's server. Configured from the environment (see .env.example)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serve the dashboard and the API (what runs without a command).
    Serve,
    /// Apply the database migrations and exit (as the schema's owner:
    /// DATABASE_MIGRATION_URL if set, else DATABASE_URL).
    Migrate,
    /// Create an admin account, and its organization unless one of that name exists. The
    /// password is read from SWITCHBOARD_ADMIN_PASSWORD, else asked for (or read from stdin).
    CreateAdmin {
        /// The organization's name, e.g. "Acme Travel".
        #[arg(long)]
        organization: String,
        /// The admin's email: what they sign in with.
        #[arg(long)]
        email: String,
        /// The admin's name as others see it.
        #[arg(long)]
        name: String,
    },
}

/// The password for `create-admin`: the environment, a hidden prompt, or a line of stdin.
fn admin_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("SWITCHBOARD_ADMIN_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password for the new admin: ")
            .context("reading the password")?;
        let again = rpassword::prompt_password("Once more: ").context("reading the password")?;
        if first != again {
            bail!("the two passwords differ");
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// Run a command other than `serve`.
pub async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => unreachable!("serve is run by main"),
        Command::Migrate => {
            startup::migrate(settings.migration_url()).await?;
            println!("The database is up to date.");
        }
        Command::CreateAdmin {
            organization,
            email,
            name,
        } => {
            let password = admin_password()?;
            let pool = startup::connect(&settings).await?;
            let created =
                app::data::users::create_admin(&pool, &organization, &email, &name, &password)
                    .await
                    .map_err(|e| match e {
                        app::data::DataError::Invalid(msg) => anyhow::anyhow!(msg),
                        app::data::DataError::Database(db)
                            if db
                                .as_database_error()
                                .is_some_and(|d| d.is_unique_violation()) =>
                        {
                            anyhow::anyhow!("a user with the email {email:?} already exists")
                        }
                        other => anyhow::Error::new(other).context("creating the admin"),
                    })?;
            println!(
                "Admin {email} created in {} organization {organization:?} ({}). They can sign in now.",
                if created.organization_created { "the new" } else { "the existing" },
                created.organization_id
            );
        }
    }
    Ok(())
}
