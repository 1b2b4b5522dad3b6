//! Supervision benchmark (issue 19): 10,000 open cases in the running stages. Prints how long
//! the scheduler's first pass takes (it plans every case: five jobs each), a steady pass
//! (nothing changed: it compares the record with the plans), and a pass a week later that runs
//! the due warnings and escalations. SQLite always; PostgreSQL too when
//! LINJU_BENCH_POSTGRES_URL names a server. Prints figures, asserts nothing.

mod support;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use server::cases::store::case;
use server::config::Config;
use server::supervision::scheduler::run_due;
use shared::cases::Stage;
use std::time::Instant;

const CASES: usize = 10_000;

async fn run(label: &str, url: String) {
    println!("\n== {label}");
    let mut config = Config::for_database(&url);
    config.demo = true;
    config.db_max_connections = 8;
    let state = server::prepare(config).await.expect("prepare");
    let grid = server::places::store::place::Entity::find()
        .filter(server::places::store::place::Column::Kind.eq("grid"))
        .one(&state.db.conn)
        .await
        .unwrap()
        .unwrap();
    let cat: i64 = server::cases::store::category::Entity::find()
        .filter(server::cases::store::category::Column::ParentId.is_not_null())
        .one(&state.db.conn)
        .await
        .unwrap()
        .unwrap()
        .id;
    let stages = [
        Stage::Registered,
        Stage::Dispatched,
        Stage::InProgress,
        Stage::Handled,
    ];
    let now = time::OffsetDateTime::now_utc();
    let txn = state.db.begin_write().await.unwrap();
    let mut batch = Vec::new();
    for i in 0..CASES {
        batch.push(case::ActiveModel {
            number: Set(format!("S-{i:06}")),
            title: Set(format!("bench case {i}")),
            description: Set(String::new()),
            category_id: Set(cat),
            urgency: Set("normal".into()),
            source: Set("hotline".into()),
            stage: Set(server::cases::service::name_of(stages[i % stages.len()])),
            grid_id: Set(Some(grid.id)),
            place_id: Set(Some(grid.id)),
            reporter_hidden: Set(false),
            deadline_at: Set(Some(now + time::Duration::hours((i % 120) as i64))),
            stage_entered_at: Set(now),
            registered_at: Set(Some(now - time::Duration::hours(8))),
            rework_count: Set(0),
            board_rank: Set(format!("{:020}i", i)),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        if batch.len() == 500 {
            case::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&*txn)
                .await
                .unwrap();
        }
    }
    txn.commit().await.unwrap();
    let pass = |label: &'static str, at: time::OffsetDateTime| {
        let state = state.clone();
        async move {
            let started = Instant::now();
            let r = server::clock::at(at, run_due(&state)).await.unwrap();
            println!(
                "{label:<34} {:>8.3} s   cases {:>6}  planned {:>6}  jobs run {:>6}  notifications {:>6}",
                started.elapsed().as_secs_f64(),
                r.cases,
                r.planned,
                r.ran,
                r.notified
            );
        }
    };
    pass("first pass (plans every case)", now).await;
    pass(
        "steady pass (nothing changed)",
        now + time::Duration::minutes(1),
    )
    .await;
    pass("steady pass again", now + time::Duration::minutes(2)).await;
    let jobs = server::supervision::store::job::Entity::find()
        .count(&state.db.conn)
        .await
        .unwrap();
    println!("jobs planned: {jobs}");
    pass(
        "a week later (runs what is due)",
        now + time::Duration::days(7),
    )
    .await;
    pass(
        "steady pass after",
        now + time::Duration::days(7) + time::Duration::minutes(1),
    )
    .await;
}

#[tokio::main]
async fn main() {
    support::print_load_average();
    println!("Linju supervision benchmark: one scheduler pass over {CASES} open cases");
    support::on_each_engine("supervision", run).await;
}
