//! Readiness says no while migrations are missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestDb;

async fn unmigrated_database_is_not_ready(db: TestDb) {
    let conn = app::domain::db::connect(&db.url).await.unwrap();
    assert_eq!(
        app::domain::db::check_ready(&conn).await,
        Err(app::AppError::Unavailable)
    );
    app::domain::db::migrate(&conn).await.unwrap();
    assert_eq!(app::domain::db::check_ready(&conn).await, Ok(()));
}

#[tokio::test]
async fn sqlite_unmigrated_database_is_not_ready() {
    unmigrated_database_is_not_ready(TestDb::sqlite()).await;
}

#[tokio::test]
async fn postgres_unmigrated_database_is_not_ready() {
    if let Some(db) = TestDb::postgres().await {
        unmigrated_database_is_not_ready(db).await;
    }
}
