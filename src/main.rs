//! `persona-console`: serve the console, migrate, create the first owner, seed the demo.

use clap::{Parser, Subcommand};
use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use app::domain::Ctx;
use persona_console::config::{DEFAULT_DATABASE_URL, ServeArgs, database_url};
use persona_console::server;
use persona_console::token_cli::{self, TokenCommand};

// jemalloc rather than glibc's allocator: on the runtime API under load glibc's malloc
// took about a quarter of the core and kept freed memory resident (the same build with
// jemalloc preloaded: decisions at saturation +47 %, RSS after the run 268 -> 93 MiB).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "persona-console",
    version,
    about = "The control plane for AI personas in production"
)]
struct Cli {
    /// sqlite://PATH (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the console (and, later, the runtime API).
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an owner account in a new tenant. The password is read from a prompt, or
    /// from the first line of standard input when it is not a terminal; never from argv.
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// Name of the tenant the owner gets.
        #[arg(long, default_value = "My organisation")]
        tenant: String,
    },
    /// Check every tenant's audit chain; report the first broken entry (exit code 1).
    VerifyAudit,
    /// Seed the demo tenant if missing, set a fresh demo password, and print the login.
    Demo {
        /// Print machine-readable JSON (for scripts and outside test clients).
        #[arg(long)]
        json: bool,
        /// The console's address as clients reach it, for the trigger URL in the JSON.
        #[arg(
            long,
            env = "PERSONA_PUBLIC_URL",
            default_value = "http://127.0.0.1:3000"
        )]
        public_url: String,
    },
    /// Runtime tokens: issue, list, rotate, revoke (as a named member).
    #[command(subcommand)]
    Token(TokenCommand),
}

fn read_password() -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ").map_err(|e| e.to_string())?;
        let again = rpassword::prompt_password("Password (again): ").map_err(|e| e.to_string())?;
        if first != again {
            return Err("the two passwords differ".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let database = database_url(&cli.database_url)?;
    match cli.command {
        Command::Serve(args) => server::serve(database, args).await,
        Command::Migrate => {
            server::open_database(&database).await?;
            println!("Database is up to date.");
            Ok(())
        }
        Command::CreateAdmin { email, tenant } => {
            let password = read_password()?;
            let ctx =
                Ctx::new(server::open_database(&database).await?).map_err(|e| e.to_string())?;
            let created = app::domain::users::create_admin(&ctx, &email, password, &tenant)
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "Created owner {email} in tenant {tenant} ({}).",
                created.tenant_id
            );
            Ok(())
        }
        Command::VerifyAudit => {
            let db = server::open_database(&database).await?;
            let started = std::time::Instant::now();
            let report = app::domain::audit::verify::verify_audit(&db)
                .await
                .map_err(|e| e.to_string())?;
            let secs = started.elapsed().as_secs_f64().max(1e-9);
            match report.first_broken {
                None => {
                    println!(
                        "Audit log intact: {} entries in {} tenants checked in {:.2} s ({:.0} entries/s).",
                        report.entries,
                        report.tenants,
                        secs,
                        report.entries as f64 / secs
                    );
                    Ok(())
                }
                Some(b) => Err(format!(
                    "audit log BROKEN in tenant {} at entry {}{}: {}",
                    b.tenant_id,
                    b.seq,
                    b.entry_id.map(|id| format!(" ({id})")).unwrap_or_default(),
                    b.reason
                )),
            }
        }
        Command::Demo { json, public_url } => {
            let ctx =
                Ctx::new(server::open_database(&database).await?).map_err(|e| e.to_string())?;
            let mut demo = app::domain::demo::ensure_demo(&ctx)
                .await
                .map_err(|e| e.to_string())?;
            if json {
                // A fresh token for an outside client pointed at this demo.
                demo.runtime_token = Some(
                    app::domain::demo::issue_runtime_token(&ctx, &demo)
                        .await
                        .map_err(|e| e.to_string())?,
                );
                demo.kill_switch_trigger_url = Some(
                    app::domain::demo::issue_trigger_url(&ctx, &demo, &public_url)
                        .await
                        .map_err(|e| e.to_string())?,
                );
                println!(
                    "{}",
                    serde_json::to_string_pretty(&demo).map_err(|e| e.to_string())?
                );
            } else {
                server::print_demo_login(&demo, "127.0.0.1:3000".parse().map_err(|_| "address")?);
            }
            Ok(())
        }
        Command::Token(command) => {
            let ctx =
                Ctx::new(server::open_database(&database).await?).map_err(|e| e.to_string())?;
            token_cli::run(&ctx, command).await
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("persona-console: {message}");
            ExitCode::FAILURE
        }
    }
}
