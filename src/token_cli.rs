//! `persona-console token issue|list|rotate|revoke`: the console's token actions from a
//! shell, acting as a named member (`--as`), so authorization and the audit log are the
//! same as in the browser. Secrets go to standard output once and nowhere else.

use clap::Subcommand;

use app::domain::Ctx;
use app::domain::auth::login::cli_actor;
use app::domain::tokens::cli::{tenant_of_space, tenant_of_token};
use app::domain::tokens::issue::{NewToken, issue_token, rotate_token};
use app::domain::tokens::list::list_tokens;
use app::domain::tokens::revoke::revoke_token;
use app::types::{RuntimeScope, SpaceId, TokenId};

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Issue a token for a space; prints the token once.
    Issue {
        /// The member issuing it (an operator, admin or owner of the space).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        #[arg(long)]
        space: SpaceId,
        #[arg(long)]
        name: String,
        /// A scope (repeat for several); default: every scope.
        #[arg(long = "scope", value_name = "SCOPE")]
        scopes: Vec<String>,
        /// Narrow the token to one app of the space.
        #[arg(long)]
        app: Option<String>,
        /// Narrow the token to one persona of the space.
        #[arg(long)]
        persona: Option<String>,
        /// Lifetime in days (1 to 365).
        #[arg(long, default_value_t = app::domain::tokens::DEFAULT_DAYS)]
        days: u32,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List a space's tokens (never their secrets).
    List {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        #[arg(long)]
        space: SpaceId,
        #[arg(long)]
        json: bool,
    },
    /// Issue a successor; the old token keeps working for the grace period.
    Rotate {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        token_id: TokenId,
        #[arg(long, default_value_t = app::domain::tokens::DEFAULT_GRACE_HOURS)]
        grace_hours: u32,
        #[arg(long, default_value_t = app::domain::tokens::DEFAULT_DAYS)]
        days: u32,
    },
    /// Revoke a token: it stops working on its next request.
    Revoke {
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: String,
        token_id: TokenId,
    },
}

fn say(e: app::AppError) -> String {
    e.to_string()
}

pub async fn run(ctx: &Ctx, command: TokenCommand) -> Result<(), String> {
    match command {
        TokenCommand::Issue {
            as_email,
            space,
            name,
            scopes,
            app,
            persona,
            days,
            json,
        } => {
            let tenant = tenant_of_space(ctx, &space).await.map_err(say)?;
            let actor = cli_actor(ctx, &as_email, &tenant).await.map_err(say)?;
            let scopes = if scopes.is_empty() {
                RuntimeScope::ALL
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .collect()
            } else {
                scopes
            };
            let input = NewToken {
                name: &name,
                scopes: &scopes,
                app_id: app.as_deref().unwrap_or_default(),
                persona_id: persona.as_deref().unwrap_or_default(),
                expires_in_days: Some(days),
            };
            let issued = issue_token(ctx, &actor, &space, input).await.map_err(say)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "id": issued.id,
                        "token": issued.token,
                        "prefix": issued.prefix,
                        "expires_at": issued.expires_at,
                    })
                );
            } else {
                println!("{}", issued.token);
                eprintln!(
                    "Issued token {} ({}…), expiring {}. It is shown only this once.",
                    issued.id, issued.prefix, issued.expires_at
                );
            }
            Ok(())
        }
        TokenCommand::List {
            as_email,
            space,
            json,
        } => {
            let tenant = tenant_of_space(ctx, &space).await.map_err(say)?;
            let actor = cli_actor(ctx, &as_email, &tenant).await.map_err(say)?;
            let view = list_tokens(ctx, &actor, &space).await.map_err(say)?;
            if json {
                let rows: Vec<_> = view
                    .tokens
                    .iter()
                    .map(|t| {
                        serde_json::json!({
                            "id": t.id,
                            "prefix": t.prefix,
                            "name": t.name,
                            "scopes": t.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
                            "app_id": t.app.as_ref().map(|(id, _)| id),
                            "persona_id": t.persona.as_ref().map(|(id, _)| id),
                            "created_at": t.created_at,
                            "expires_at": t.expires_at,
                            "last_used_at": t.last_used_at,
                            "status": t.status.label(),
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(rows));
            } else if view.tokens.is_empty() {
                println!("No tokens in {}.", view.space_name);
            } else {
                for t in view.tokens {
                    let scopes: Vec<&str> = t.scopes.iter().map(|s| s.as_str()).collect();
                    println!(
                        "{}  {}…  {:<28}  {:<40}  expires {}  {}",
                        t.id,
                        t.prefix,
                        t.name,
                        scopes.join(","),
                        t.expires_at,
                        t.status.label()
                    );
                }
            }
            Ok(())
        }
        TokenCommand::Rotate {
            as_email,
            token_id,
            grace_hours,
            days,
        } => {
            let tenant = tenant_of_token(ctx, &token_id).await.map_err(say)?;
            let actor = cli_actor(ctx, &as_email, &tenant).await.map_err(say)?;
            let issued = rotate_token(ctx, &actor, &token_id, Some(grace_hours), Some(days))
                .await
                .map_err(say)?;
            println!("{}", issued.token);
            eprintln!(
                "Issued successor {} ({}…); the old token keeps working for {grace_hours} h.",
                issued.id, issued.prefix
            );
            Ok(())
        }
        TokenCommand::Revoke { as_email, token_id } => {
            let tenant = tenant_of_token(ctx, &token_id).await.map_err(say)?;
            let actor = cli_actor(ctx, &as_email, &tenant).await.map_err(say)?;
            revoke_token(ctx, &actor, &token_id).await.map_err(say)?;
            println!("Revoked {token_id}: it stops working on its next request.");
            Ok(())
        }
    }
}
