//! The storage settings the server relies on.

use crate::common::TestApp;
use sea_orm::{ConnectionTrait, Statement};

async fn pragma(app: &TestApp, name: &str) -> String {
    let row = app
        .state
        .db
        .conn
        .query_one_raw(Statement::from_string(
            sea_orm::DbBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|v| v.to_string()))
        .unwrap()
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout() {
    let app = TestApp::sqlite().await;
    assert_eq!(pragma(&app, "journal_mode").await, "wal");
    assert_eq!(pragma(&app, "foreign_keys").await, "1");
    assert!(pragma(&app, "busy_timeout").await.parse::<i64>().unwrap() >= 1000);
    // Foreign keys are enforced: a resident cannot point at a missing household.
    let err = app
        .state
        .db
        .conn
        .execute_unprepared("INSERT INTO residents (household_id, grid_id, name, version, created_at, updated_at) VALUES (999999, 999999, 'x', 1, '2026-01-01', '2026-01-01')")
        .await;
    assert!(err.is_err());
    app.cleanup().await;
}

#[tokio::test]
async fn the_generator_builds_a_district_of_the_asked_size_on_sqlite() {
    let app = TestApp::sqlite_empty().await;
    generated_district_is_browsable(&app).await;
    app.cleanup().await;
}

#[tokio::test]
async fn the_generator_builds_a_district_of_the_asked_size_on_postgres() {
    let app = TestApp::postgres_empty().await;
    generated_district_is_browsable(&app).await;
    app.cleanup().await;
}

async fn generated_district_is_browsable(app: &TestApp) {
    use sea_orm::{EntityTrait, PaginatorTrait};
    use server::places::store::{place, resident};
    let plan = server::demo::Plan::district(3000, 7);
    let counts = server::demo::generate(&app.state.db, &plan, false)
        .await
        .unwrap();
    assert!((3000..3004).contains(&counts.residents), "{counts:?}");
    assert_eq!(
        resident::Entity::find()
            .count(&app.state.db.conn)
            .await
            .unwrap(),
        counts.residents
    );
    assert_eq!(
        place::Entity::find()
            .count(&app.state.db.conn)
            .await
            .unwrap(),
        counts.places
    );
    // Same seed, same data: a second database gets identical names.
    let first: Vec<String> = resident::Entity::find()
        .all(&app.state.db.conn)
        .await
        .unwrap()
        .into_iter()
        .take(20)
        .map(|r| r.name)
        .collect();
    let again = TestApp::sqlite_empty().await;
    server::demo::generate(&again.state.db, &plan, false)
        .await
        .unwrap();
    let second: Vec<String> = resident::Entity::find()
        .all(&again.state.db.conn)
        .await
        .unwrap()
        .into_iter()
        .take(20)
        .map(|r| r.name)
        .collect();
    assert_eq!(first, second);
    again.cleanup().await;
}
