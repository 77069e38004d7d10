//! Starting the console: connect, migrate, optionally seed the demo, serve until a signal.

use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::time::Duration;

use app::domain::Ctx;
use app::domain::db::{self, DatabaseUrl};
use app::domain::runtime::background_writer::{BackgroundWriter, Lanes};

use crate::assets::{OUTPUT_NAME, find_site_dir};
use crate::config::{ServeArgs, WebConfig};
use crate::sessions::DbSessionStore;
use crate::state::AppState;

pub fn leptos_options(site_root: &str, addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// Connects and brings the schema up to date.
pub async fn open_database(url: &DatabaseUrl) -> Result<sea_orm::DatabaseConnection, String> {
    let conn = db::connect(url)
        .await
        .map_err(|e| format!("cannot open the database at {}: {e}", db::redact(url.url())))?;
    db::migrate(&conn)
        .await
        .map_err(|e| format!("cannot migrate the database: {e}"))?;
    Ok(conn)
}

pub fn print_demo_login(demo: &app::domain::demo::Demo, addr: SocketAddr) {
    println!();
    println!("  Persona Console demo tenant is ready.");
    println!("  Open   http://{addr}/");
    println!("  Email     {}", demo.login.email);
    println!("  Password  {}", demo.login.password);
    println!("  (a fresh password is set each time the demo is started)");
    println!();
    println!("  Other people of the demo tenant, to try the roles:");
    for (role, login) in [
        ("operator", &demo.operator),
        ("reviewer", &demo.reviewer),
        ("evaluator", &demo.evaluator),
        ("viewer", &demo.viewer),
    ] {
        println!("  {role:<10} {}  {}", login.email, login.password);
    }
    println!();
}

pub async fn serve(database: DatabaseUrl, args: ServeArgs) -> Result<(), String> {
    let web = WebConfig::from_args(&args)?;
    let site = find_site_dir(args.site_dir.as_deref())?;
    let conn = open_database(&database).await?;
    let ctx = Ctx::new(conn.clone()).map_err(|e| e.to_string())?;
    ctx.runtime
        .approval_expiry
        .set_hours(args.approval_expiry_hours);
    if args.demo {
        let demo = app::domain::demo::ensure_demo(&ctx)
            .await
            .map_err(|e| format!("cannot seed the demo: {e}"))?;
        print_demo_login(&demo, args.addr);
    } else if db::is_empty(&conn).await.map_err(|e| e.to_string())? {
        println!("  The database has no tenants yet. Create the first owner with:");
        println!("    persona-console create-admin --email you@example.com");
        println!("  or start with --demo for a populated demo tenant.");
    }

    let state = AppState::new(leptos_options(&site.to_string_lossy(), args.addr), ctx, web);
    spawn_session_sweeper(DbSessionStore::new(conn));
    spawn_last_used_flusher(state.ctx.clone());
    spawn_decision_flusher(state.ctx.clone(), background_writer(&database).await);
    let flush_at_exit = state.ctx.clone();
    let closing = state.ctx.runtime.clone();
    let app = crate::router::build(state);
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.addr))?;
    tracing::info!(addr = %args.addr, site = %site.display(), "serving Persona Console");
    println!("  Serving on http://{}/  (Ctrl-C to stop)", args.addr);
    crate::listen::serve_router(listener, app, async move {
        shutdown_signal().await;
        // Open runtime streams would otherwise hold the shutdown forever.
        closing.hub.close_all();
    })
    .await
    .map_err(|e| format!("server error: {e}"))?;
    // What runtimes did since the last flush is not lost on a clean stop.
    if let Err(e) = flush_at_exit.last_used.flush(&flush_at_exit.db).await {
        tracing::warn!(error = %e, "could not record token last-used times at shutdown");
    }
    let runtime = &flush_at_exit.runtime;
    if let Err(e) = runtime.log.flush(&flush_at_exit.db, &runtime.hub).await {
        tracing::warn!(error = %e, "could not record the last runtime decisions at shutdown");
    }
    Ok(())
}

/// Writes runtime tokens' "last used" times in batches, off the request path.
fn spawn_last_used_flusher(ctx: app::domain::Ctx) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(app::domain::tokens::last_used::FLUSH_EVERY);
        loop {
            tick.tick().await;
            if let Err(e) = ctx.last_used.flush(&ctx.db).await {
                tracing::warn!(error = %e, "could not record token last-used times; will retry");
            }
        }
    });
}

/// The decision recorder's own low-priority connection, where the database and the
/// platform allow one (see `background_writer`); without it the pool does the writes.
async fn background_writer(database: &DatabaseUrl) -> Option<BackgroundWriter> {
    match BackgroundWriter::open(database).await {
        Ok(Some(writer)) => {
            let policy = if writer.idle() {
                "SCHED_IDLE"
            } else {
                "nice 19"
            };
            tracing::info!(
                thread = writer.thread(),
                policy,
                "runtime decisions are written by a low-priority thread while the CPU has room"
            );
            Some(writer)
        }
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "no low-priority connection for runtime decisions; using the pool");
            None
        }
    }
}

/// Writes runtime decisions to the activity feed in batches, off the request path.
fn spawn_decision_flusher(ctx: app::domain::Ctx, background: Option<BackgroundWriter>) {
    tokio::spawn(async move {
        let every = app::domain::runtime::decision_log::FLUSH_EVERY;
        let mut tick = tokio::time::interval(every);
        let mut lanes = Lanes::new(background);
        loop {
            tick.tick().await;
            let started = std::time::Instant::now();
            let overruns = lanes.overruns();
            let flushed = ctx
                .runtime
                .log
                .flush_through(&ctx.db, &mut lanes, &ctx.runtime.hub)
                .await;
            if lanes.overruns() > overruns {
                tracing::debug!(
                    "the CPU had no room for the low-priority decision writer; \
                     writing at normal priority for the next {:?}",
                    lanes.foreground_for()
                );
            }
            let took = started.elapsed();
            let ms = took.as_millis() as u64;
            match flushed {
                // A write slower than the interval means decisions arrive faster than the
                // database takes them: the backlog grows (and is capped, see `dropped`).
                Ok(rows) if took > every => tracing::warn!(
                    rows,
                    ms,
                    dropped = ctx.runtime.log.dropped(),
                    "recording runtime decisions is falling behind"
                ),
                Ok(0) => {}
                Ok(rows) => tracing::debug!(rows, ms, "runtime decisions recorded"),
                Err(e) => {
                    tracing::warn!(error = %e, "could not record runtime decisions; will retry")
                }
            }
        }
    });
}

fn spawn_session_sweeper(store: DbSessionStore) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match store.delete_expired().await {
                Ok(n) if n > 0 => tracing::debug!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
