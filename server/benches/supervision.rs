//! Supervision benchmark (issue 19): a district of 200,000 residents (the design's data set,
//! `LINJU_BENCH_RESIDENTS` to change) and 10,000 open cases in the running stages, with 2,000
//! care pairings and 1,000 meals ordered for today (the reminders' records). Prints how long
//! the scheduler's first pass takes (it plans every case: five jobs each, and every reminder),
//! a steady pass (nothing changed: it compares the record with the plans), and a pass a week
//! later that runs the due warnings, escalations and reminders. SQLite always; PostgreSQL too when
//! LINJU_BENCH_POSTGRES_URL names a server. Prints figures, asserts nothing.

mod support;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use server::cases::store::case;
use server::config::Config;
use server::supervision::scheduler::run_due;
use shared::cases::Stage;
use std::time::Instant;

const CASES: usize = 10_000;
const PAIRINGS: usize = 2_000;
const MEALS: usize = 1_000;

async fn run(label: &str, url: String) {
    println!("\n== {label}");
    let mut config = Config::for_database(&url);
    config.demo = true;
    config.db_max_connections = 8;
    let state = server::prepare(config).await.expect("prepare");
    let residents: usize = std::env::var("LINJU_BENCH_RESIDENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let t = Instant::now();
    let counts = server::demo::generate(
        &state.db,
        &server::demo::Plan::district(residents, 7),
        false,
    )
    .await
    .expect("generate");
    println!(
        "generated {} places, {} residents in {:.1} s",
        counts.places,
        counts.residents,
        t.elapsed().as_secs_f64()
    );
    seed_reminder_records(&state).await;
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
                "{label:<34} {:>8.3} s   cases {:>6}  planned {:>6}  reminders planned {:>6}  jobs run {:>6}  notifications {:>6}",
                started.elapsed().as_secs_f64(),
                r.cases,
                r.planned,
                r.reminders_planned,
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

/// Care pairings (due within the week) and today's meals, not delivered, for the first
/// residents of the generated district.
async fn seed_reminder_records(state: &server::state::AppState) {
    use sea_orm::QuerySelect;
    use server::care::store::{enrolment, order, pairing};
    let people: Vec<(i64, i64)> = server::places::store::resident::Entity::find()
        .select_only()
        .column(server::places::store::resident::Column::Id)
        .column(server::places::store::resident::Column::GridId)
        .limit((PAIRINGS + MEALS) as u64)
        .into_tuple()
        .all(&state.db.conn)
        .await
        .unwrap();
    let now = time::OffsetDateTime::now_utc();
    let today = shared::calendar::day_at(now);
    let txn = state.db.begin_write().await.unwrap();
    let pairings: Vec<pairing::ActiveModel> = people[..PAIRINGS.min(people.len())]
        .iter()
        .enumerate()
        .map(|(i, &(rid, grid))| pairing::ActiveModel {
            resident_id: Set(rid),
            grid_id: Set(grid),
            helper_user_id: Set(None),
            helper_name: Set("志愿者".into()),
            helper_kind: Set("volunteer".into()),
            risk: Set("high".into()),
            purpose: Set(String::new()),
            contact_schedule: Set(String::new()),
            starts_on: Set(today - time::Duration::days(7 - (i % 7) as i64)),
            active: Set(true),
            version: Set(1),
            created_at: Set(now),
            ended_on: Set(None),
            end_reason: Set(None),
            ..Default::default()
        })
        .collect();
    for part in pairings.chunks(500) {
        pairing::Entity::insert_many(part.to_vec())
            .exec_without_returning(&*txn)
            .await
            .unwrap();
    }
    for &(rid, grid) in people.iter().skip(PAIRINGS) {
        let e = enrolment::Entity::insert(enrolment::ActiveModel {
            resident_id: Set(rid),
            grid_id: Set(grid),
            mode: Set("delivery".into()),
            deliverer_user_id: Set(None),
            notes: Set(String::new()),
            active: Set(true),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(&*txn)
        .await
        .unwrap();
        order::Entity::insert(order::ActiveModel {
            day: Set(today),
            enrolment_id: Set(e.last_insert_id),
            resident_id: Set(rid),
            grid_id: Set(grid),
            mode: Set("delivery".into()),
            deliverer_user_id: Set(None),
            status: Set("ordered".into()),
            delivered_at: Set(None),
            delivered_by: Set(None),
            created_at: Set(now),
            ..Default::default()
        })
        .exec_without_returning(&*txn)
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    println!(
        "seeded {} care pairings and {} meals ordered for today",
        PAIRINGS.min(people.len()),
        people.len().saturating_sub(PAIRINGS)
    );
}

#[tokio::main]
async fn main() {
    support::print_load_average();
    println!(
        "Linju supervision benchmark: one scheduler pass over {CASES} open cases and the reminders of a district"
    );
    support::on_each_engine("supervision", run).await;
}
