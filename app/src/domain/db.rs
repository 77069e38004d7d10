//! Connecting to SQLite or PostgreSQL, migrating, readiness, and write transactions.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::path::PathBuf;
use std::time::Duration;

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A file path (created with its folder if missing), or `None` for in-memory.
    Sqlite {
        url: String,
        path: Option<PathBuf>,
    },
    Postgres {
        url: String,
    },
}

impl DatabaseUrl {
    /// Checks the URL before anything connects, so a typo stops the server with a reason.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        if let Some(rest) = raw
            .strip_prefix("sqlite://")
            .or_else(|| raw.strip_prefix("sqlite:"))
        {
            let file = rest.split('?').next().unwrap_or_default();
            if file.is_empty() {
                return Err(
                    "the sqlite URL names no file (e.g. sqlite://data/persona-console.db)".into(),
                );
            }
            let path = (file != ":memory:").then(|| PathBuf::from(file));
            let url = if raw.contains("mode=") {
                raw.to_string()
            } else if raw.contains('?') {
                format!("{raw}&mode=rwc")
            } else {
                format!("{raw}?mode=rwc")
            };
            return Ok(Self::Sqlite { url, path });
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            let after = raw.split_once("://").map(|(_, r)| r).unwrap_or_default();
            let host = after.rsplit('@').next().unwrap_or_default();
            if host.is_empty() || host.starts_with('/') {
                return Err(
                    "the postgres URL names no host (e.g. postgres://user@127.0.0.1/persona)"
                        .into(),
                );
            }
            return Ok(Self::Postgres {
                url: raw.to_string(),
            });
        }
        Err(format!(
            "unsupported database URL `{}`: use sqlite://PATH or postgres://USER@HOST/DB",
            redact(raw)
        ))
    }

    pub fn url(&self) -> &str {
        match self {
            Self::Sqlite { url, .. } | Self::Postgres { url } => url,
        }
    }
}

/// The URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub async fn connect(url: &DatabaseUrl) -> Result<DatabaseConnection, DbErr> {
    Database::connect(options(url)?).await
}

/// A pool of exactly one SQLite connection, kept open for the server's life, whose
/// worker thread is named `thread` (so that thread can be found and its priority
/// lowered) and is started by the thread that awaits this (so it inherits that
/// thread's scheduling policy). `None` where there is no such thread to set apart: PostgreSQL does the work
/// in its own processes, and another connection to in-memory SQLite would be another,
/// empty, database.
pub async fn connect_dedicated_sqlite(
    url: &DatabaseUrl,
    thread: String,
) -> Result<Option<DatabaseConnection>, DbErr> {
    let DatabaseUrl::Sqlite { path: Some(_), .. } = url else {
        return Ok(None);
    };
    let mut opts = options(url)?;
    // No minimum: with one, the pool opens it from a task of its own, on whichever
    // runtime thread runs that task, racing the open below.
    opts.max_connections(1)
        .min_connections(0)
        .idle_timeout(None::<Duration>)
        .max_lifetime(None::<Duration>)
        .map_sqlx_sqlite_opts(move |o| {
            let thread = thread.clone();
            sqlite_pragmas(o).thread_name(move |_| thread.clone())
        });
    let conn = Database::connect(opts).await?;
    // The pool opens its connection (and so its thread) on first use: use it now.
    conn.ping().await?;
    Ok(Some(conn))
}

fn options(url: &DatabaseUrl) -> Result<ConnectOptions, DbErr> {
    let mut opts = ConnectOptions::new(url.url());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    if let DatabaseUrl::Sqlite { path, .. } = url {
        if let Some(parent) = path.as_ref().and_then(|p| p.parent())
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", parent.display())))?;
        }
        opts.map_sqlx_sqlite_opts(sqlite_pragmas);
        if path.is_none() {
            // Every pooled connection to `:memory:` would be its own empty database.
            opts.max_connections(1);
        }
    }
    Ok(opts)
}

/// The control plane favours durability: WAL for concurrent readers, FULL sync, enforced
/// foreign keys, and a busy timeout instead of instant lock errors.
fn sqlite_pragmas(o: SqliteConnectOptions) -> SqliteConnectOptions {
    o.journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}

/// Ready means: the database answers and every migration this build knows is applied.
pub async fn check_ready(db: &DatabaseConnection) -> Result<(), AppError> {
    db.ping().await.map_err(|e| {
        tracing::warn!(error = %e, "readiness: database unreachable");
        AppError::Unavailable
    })?;
    let pending = Migrator::get_pending_migrations_read_only(db)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "readiness: cannot read migration state");
            AppError::Unavailable
        })?;
    if pending.is_empty() {
        Ok(())
    } else {
        tracing::warn!(pending = pending.len(), "readiness: migrations pending");
        Err(AppError::Unavailable)
    }
}

/// A write transaction. On SQLite it begins IMMEDIATE, taking the write lock up front so
/// two writers wait for each other instead of failing at commit.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// Whether the database has any tenant yet (a fresh install).
pub async fn is_empty(db: &impl ConnectionTrait) -> Result<bool, DbErr> {
    use sea_orm::{EntityTrait, PaginatorTrait};
    Ok(super::entities::tenant::Entity::find().count(db).await? == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode_and_a_path() {
        let parsed = DatabaseUrl::parse("sqlite://data/x.db");
        assert_eq!(
            parsed,
            Ok(DatabaseUrl::Sqlite {
                url: "sqlite://data/x.db?mode=rwc".into(),
                path: Some(PathBuf::from("data/x.db")),
            })
        );
        assert!(matches!(
            DatabaseUrl::parse("sqlite::memory:"),
            Ok(DatabaseUrl::Sqlite { path: None, .. })
        ));
    }

    #[test]
    fn postgres_urls_need_a_host() {
        assert!(DatabaseUrl::parse("postgres://postgres@127.0.0.1:5432/db").is_ok());
        assert!(DatabaseUrl::parse("postgres:///db").is_err());
    }

    #[test]
    fn unknown_schemes_are_refused_without_leaking_passwords() {
        let err = DatabaseUrl::parse("mysql://root:hunter2@localhost/db")
            .err()
            .unwrap_or_default();
        assert!(err.contains("unsupported database URL"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse("sqlite://").is_err());
    }
}
