//! The tower-sessions store over our own database (one pool, both backends).
//! Rows are keyed by the SHA-256 of the session id, so the table holds no usable cookie.

use app::domain::auth::session_auth::SESSION_KEY;
use app::domain::entities::session;
use async_trait::async_trait;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tower_sessions::SessionStore;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Removes expired rows; run periodically.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sea_orm::DbErr> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let res = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lte(now))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }
}

fn key(id: &Id) -> String {
    hex::encode(Sha256::digest(id.to_string().as_bytes()))
}

fn backend(e: sea_orm::DbErr) -> Error {
    Error::Backend(e.to_string())
}

fn row(record: &Record) -> Result<session::ActiveModel> {
    let data = serde_json::to_string(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
    let user_id = record
        .data
        .get(SESSION_KEY)
        .and_then(|auth| auth.get("user_id"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    Ok(session::ActiveModel {
        id: Set(key(&record.id)),
        user_id: Set(user_id),
        data: Set(data),
        expires_at: Set(record.expiry_date.unix_timestamp()),
    })
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        // A fresh random id collides with vanishing odds; if it does, draw another.
        loop {
            let inserted = session::Entity::insert(row(record)?)
                .on_conflict(
                    OnConflict::column(session::Column::Id)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await
                .map_err(backend)?;
            if inserted == 1 {
                return Ok(());
            }
            record.id = Id::default();
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        session::Entity::insert(row(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([
                        session::Column::UserId,
                        session::Column::Data,
                        session::Column::ExpiresAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let Some(found) = session::Entity::find_by_id(key(id))
            .filter(session::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_str(&found.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(found.expires_at)
            .map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        session::Entity::delete_by_id(key(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
