//! The demo's months of history (`LINJU_DEMO_HISTORY_MONTHS`): played through the services,
//! it must read like a year of a community's work and obey every rule the API enforces, and
//! the same seed must give the same records.

use crate::common::*;
use sea_orm::{EntityTrait, QueryOrder};
use server::cases::store::{case, event};
use server::demo_history::{HistoryPlan, fill};
use shared::cases::{Action, CaseEventKind, Stage};
use std::collections::{BTreeMap, HashMap};
use time::{Duration, OffsetDateTime};

fn stage(s: &str) -> Stage {
    serde_json::from_value(serde_json::Value::String(s.into())).expect("a stage")
}

fn until() -> OffsetDateTime {
    // A fixed moment a little before now, to the second, so two runs can share it.
    let now = OffsetDateTime::now_utc() - Duration::hours(1);
    now.replace_nanosecond(0).unwrap()
}

/// Beijing year and month of a moment.
fn month(t: OffsetDateTime) -> (i32, u8) {
    let d = shared::calendar::day_at(t);
    (d.year(), u8::from(d.month()))
}

async fn a_year_of_work_by_the_rules(app: &TestApp) {
    let plan = HistoryPlan {
        months: 12,
        seed: 2026,
        until: until(),
    };
    let counts = fill(&app.state, &plan).await.expect("history plays");
    println!(
        "demo history, 12 months: {} cases, {} moves, {} visits, {} meals, {} patrols, \
         {} mediation files, {} council items in {:.1} s",
        counts.cases,
        counts.moves,
        counts.visits,
        counts.meals,
        counts.patrols,
        counts.mediation_files,
        counts.council_items,
        counts.elapsed.as_secs_f64()
    );
    let conn = &app.state.db.conn;
    let cases = case::Entity::find().all(conn).await.unwrap();
    let events = event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await
        .unwrap();
    let mut history: HashMap<i64, Vec<&event::Model>> = HashMap::new();
    for e in &events {
        history.entry(e.case_id).or_default().push(e);
    }
    // Every case's history is a path of the shared lifecycle, in the order of its times.
    for c in &cases {
        let h = &history[&c.id];
        assert_eq!(h[0].action, "created", "case {} starts filed", c.number);
        assert_eq!(h[0].at, c.created_at);
        let mut at = stage("reported");
        let mut when = c.created_at;
        for e in &h[1..] {
            assert!(
                e.at >= when,
                "case {}: {} before the step before it",
                c.number,
                e.action
            );
            when = e.at;
            let kind: CaseEventKind =
                serde_json::from_value(serde_json::Value::String(e.action.clone())).unwrap();
            if kind == CaseEventKind::Rating {
                assert_eq!(at, Stage::Closed, "case {} rated before closing", c.number);
                continue;
            }
            let (from, to) = (
                stage(e.from_stage.as_deref().unwrap()),
                stage(e.to_stage.as_deref().unwrap()),
            );
            assert_eq!(
                from, at,
                "case {}: {} from the wrong stage",
                c.number, e.action
            );
            let action = shared::cases::action_between(from, to)
                .unwrap_or_else(|| panic!("case {}: no move {from:?} → {to:?}", c.number));
            assert_eq!(CaseEventKind::from(action), kind, "case {}", c.number);
            at = to;
        }
        assert_eq!(
            stage(&c.stage),
            at,
            "case {} ends where its history does",
            c.number
        );
        if let Some(closed) = c.closed_at {
            assert!(
                closed >= c.created_at,
                "case {} closed before it was reported",
                c.number
            );
        }
        assert!(c.created_at < plan.until && c.updated_at <= plan.until);
    }
    // Reported every month of the twelve, in every grid and most categories.
    let mut per_month: BTreeMap<(i32, u8), usize> = BTreeMap::new();
    for c in &cases {
        *per_month.entry(month(c.created_at)).or_default() += 1;
    }
    let mut m = plan.until;
    for _ in 0..12 {
        assert!(
            per_month.get(&month(m)).is_some_and(|n| *n >= 5),
            "too few cases in {:?}: {per_month:?}",
            month(m)
        );
        m -= Duration::days(30);
    }
    let grids: std::collections::HashSet<_> = cases.iter().map(|c| c.grid_id).collect();
    assert_eq!(grids.len(), 4, "cases in every grid");
    let categories: std::collections::HashSet<_> = cases.iter().map(|c| c.category_id).collect();
    assert!(categories.len() >= 10, "cases across categories");
    // Mostly closed, some refused, some reworked, some finished late, some rated; open cases
    // only a handful, from the last days, a few of them overdue at most.
    let closed = cases.iter().filter(|c| c.stage == "closed").count();
    assert!(
        closed * 100 >= cases.len() * 85,
        "{closed} of {} closed",
        cases.len()
    );
    assert!(cases.iter().any(|c| c.stage == "refused"));
    let reworked = cases.iter().filter(|c| c.rework_count > 0).count();
    assert!(reworked * 100 >= cases.len() * 3, "rework: {reworked}");
    let late = cases
        .iter()
        .filter(|c| c.closed_at.zip(c.deadline_at).is_some_and(|(c, d)| c > d))
        .count();
    assert!(late * 100 >= cases.len() * 5, "late: {late}");
    // Times are stored in UTC, as the services' wall clock gives them (SQLite compares the
    // stored text: the board's 按期结案率 compares closing times with deadlines in SQL).
    for c in &cases {
        assert!(
            c.created_at.offset().is_utc(),
            "case {} stamped {}",
            c.number,
            c.created_at
        );
        assert!(c.closed_at.is_none_or(|t| t.offset().is_utc()));
    }
    let (status, board) = app.login("staff").await.get("/api/v1/board").await;
    assert_eq!(status, reqwest::StatusCode::OK, "{board}");
    let on_time_rate = board["figures"]["on_time_rate"]
        .as_f64()
        .unwrap_or_default();
    assert!(
        on_time_rate >= 0.75,
        "the board's 按期结案率: {}",
        board["figures"]
    );
    // Most close within their deadline (the board's 按期结案率).
    let with_deadline: Vec<_> = cases
        .iter()
        .filter(|c| c.stage == "closed" && c.deadline_at.is_some())
        .collect();
    let on_time = with_deadline
        .iter()
        .filter(|c| c.closed_at.zip(c.deadline_at).is_some_and(|(c, d)| c <= d))
        .count();
    assert!(
        on_time * 100 >= with_deadline.len() * 75,
        "on time: {on_time} of {}",
        with_deadline.len()
    );
    // Nobody is left with a year of unread notifications.
    let unread_old = server::cases::store::notification::Entity::find()
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.read_at.is_none() && n.created_at < plan.until - Duration::days(3))
        .count();
    assert_eq!(unread_old, 0, "old notifications left unread");
    let rated: Vec<i32> = cases.iter().filter_map(|c| c.rating_score).collect();
    assert!(rated.len() >= 30 && rated.iter().all(|s| (1..=5).contains(s)));
    let open: Vec<_> = cases.iter().filter(|c| stage(&c.stage).is_open()).collect();
    assert!(
        (1..=25).contains(&open.len()),
        "a realistic handful open: {}",
        open.len()
    );
    assert!(
        open.iter()
            .all(|c| c.created_at > plan.until - Duration::days(30)),
        "old cases left open"
    );
    // Care: visits every month, errands run and confirmed, lunches served on weekdays.
    use server::care::store::{errand, order, visit};
    let visits = visit::Entity::find().all(conn).await.unwrap();
    let mut visit_months: BTreeMap<(i32, u8), usize> = BTreeMap::new();
    for v in &visits {
        assert!(
            v.visited_at <= v.created_at,
            "a visit recorded before it happened"
        );
        *visit_months.entry(month(v.visited_at)).or_default() += 1;
    }
    assert!(
        visit_months.len() >= 12,
        "visits in every month: {visit_months:?}"
    );
    let errands = errand::Entity::find().all(conn).await.unwrap();
    assert!(errands.iter().filter(|e| e.status == "confirmed").count() >= 10);
    let orders = order::Entity::find().all(conn).await.unwrap();
    assert!(orders.len() >= 200);
    for o in &orders {
        assert!(!matches!(
            o.day.weekday(),
            time::Weekday::Saturday | time::Weekday::Sunday
        ));
        if let Some(t) = o.delivered_at {
            assert_eq!(shared::calendar::day_at(t), o.day, "served on its day");
        }
    }
    // Mediation files: each history a path of the shared table; most agreed and performed,
    // some failed, every one within its deadline or closed.
    use shared::mediation::{MediationAction, MediationStage};
    let files = server::mediation::store::file::Entity::find()
        .all(conn)
        .await
        .unwrap();
    let file_events = server::mediation::store::event::Entity::find()
        .order_by_asc(server::mediation::store::event::Column::Id)
        .all(conn)
        .await
        .unwrap();
    for f in &files {
        let mut at = MediationStage::Intake;
        for e in file_events.iter().filter(|e| e.file_id == f.id) {
            let (Some(from), Some(to)) = (e.from_stage.as_deref(), e.to_stage.as_deref()) else {
                continue;
            };
            let (from, to) = (
                MediationStage::parse(from).unwrap(),
                MediationStage::parse(to).unwrap(),
            );
            assert_eq!(
                from, at,
                "file {}: {} from the wrong stage",
                f.number, e.action
            );
            assert!(
                MediationAction::between(from, to).is_some()
                    || (from, to) == (MediationStage::Intake, MediationStage::NotAccepted),
                "file {}: no move {from:?} → {to:?}",
                f.number
            );
            at = to;
        }
        assert_eq!(
            MediationStage::parse(&f.stage),
            Some(at),
            "file {}",
            f.number
        );
    }
    let ended = |s: &str| files.iter().filter(|f| f.stage == s).count();
    assert!(files.len() >= 30, "mediation files: {}", files.len());
    // Most files opened two months or more before the history's end have been performed (the
    // newer ones are still being mediated or performed: how many depends on the day the test
    // runs, as the history ends an hour before now).
    let settled: Vec<_> = files
        .iter()
        .filter(|f| f.created_at < plan.until - Duration::days(60))
        .collect();
    assert!(settled.len() >= 20, "settled files: {}", settled.len());
    let performed = settled.iter().filter(|f| f.stage == "closed").count();
    assert!(
        performed * 2 >= settled.len(),
        "performed: {performed} of {}",
        settled.len()
    );
    assert!(ended("failed") >= 1);
    // Council items: the same, and decided items carried out by cases that were closed.
    use shared::council::{ItemAction, ItemStage};
    let item_stage = |s: &str| -> ItemStage {
        serde_json::from_value(serde_json::Value::String(s.into())).unwrap()
    };
    let items = server::council::store::item::Entity::find()
        .all(conn)
        .await
        .unwrap();
    let item_events = server::council::store::event::Entity::find()
        .order_by_asc(server::council::store::event::Column::Id)
        .all(conn)
        .await
        .unwrap();
    for i in &items {
        let mut at = ItemStage::Proposed;
        for e in item_events.iter().filter(|e| e.item_id == i.id) {
            let (Some(from), Some(to)) = (e.from_stage.as_deref(), e.to_stage.as_deref()) else {
                continue;
            };
            let (from, to) = (item_stage(from), item_stage(to));
            assert_eq!(
                from, at,
                "item {}: {} from the wrong stage",
                i.title, e.action
            );
            assert!(
                ItemAction::ALL
                    .into_iter()
                    .any(|a| a.from().contains(&from) && a.to() == to),
                "item {}: no move {from:?} → {to:?}",
                i.title
            );
            at = to;
        }
        assert_eq!(item_stage(&i.stage), at, "item {}", i.title);
    }
    assert!(items.len() >= 20, "council items: {}", items.len());
    assert!(items.iter().filter(|i| i.stage == "done").count() * 2 >= items.len());
    assert!(
        items
            .iter()
            .any(|i| i.tier.as_deref() == Some("big") && i.stage == "done")
    );
    assert!(
        items
            .iter()
            .any(|i| i.tier.as_deref() == Some("small") && i.stage == "done")
    );
    // Nobody real: identity numbers from no province, phones from the example block.
    for r in server::places::store::resident::Entity::find()
        .all(conn)
        .await
        .unwrap()
    {
        if let Some(n) = &r.id_number {
            assert!(n.starts_with("99"), "a real-looking identity number: {n}");
            assert!(shared::validate::IdCardNumber::parse(n).is_ok(), "{n}");
        }
        if let Some(p) = &r.phone {
            assert!(
                p.starts_with("1380000") && p.len() == 11,
                "a real-looking phone: {p}"
            );
        }
    }
    for p in server::mediation::store::party::Entity::find()
        .all(conn)
        .await
        .unwrap()
    {
        if let Some(phone) = &p.phone {
            assert!(
                phone.starts_with("1380000"),
                "a real-looking phone: {phone}"
            );
        }
    }
    // Every move was made by someone the shared table allows: the grid's own worker verified.
    let users = server::accounts::store::user::Entity::find()
        .all(conn)
        .await
        .unwrap();
    let name_of: HashMap<i64, &str> = users.iter().map(|u| (u.id, u.username.as_str())).collect();
    for e in events
        .iter()
        .filter(|e| e.action == shared::cases::CaseEventKind::from(Action::VerifyPass).as_str())
    {
        let who = name_of[&e.actor_id.unwrap()];
        assert!(who.starts_with("gridworker"), "verified by {who}");
    }

    // The month before the last: every grid worker reported, verified and patrolled, so the
    // assessment scores each of them on every indicator but the visits they may not owe.
    let month = shared::stats::month_name(&shared::stats::Period::containing(
        shared::stats::PeriodKind::Month,
        shared::calendar::day_at(plan.until) - Duration::days(40),
    ));
    let admin = app.login("admin").await;
    let (status, a) = admin
        .get(&format!(
            "/api/v1/assessment?subject=grid_worker&month={month}"
        ))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK, "{a}");
    let rows = a["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "{a}");
    for r in rows {
        for indicator in ["reports_filed", "patrol_days"] {
            let v = r["values"]
                .as_array()
                .unwrap()
                .iter()
                .find(|v| v["indicator"] == indicator)
                .unwrap();
            assert!(v["numerator"].as_u64().unwrap() > 0, "{indicator} of {r}");
        }
        assert!(r["score"].as_f64().is_some(), "{r}");
    }
    assert!(counts.patrols > 0);
    exports_of_a_month(app, &month).await;
}

/// Every kind of export over a month of the history: as many rows as the dashboard counts,
/// people in care by a masked name only, a grid worker's file stopping at their grids, and
/// the assessment's ranking as its page shows it.
async fn exports_of_a_month(app: &TestApp, month: &str) {
    use crate::stats::{csv_rows, download};
    use reqwest::StatusCode;
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let period = format!("period=month&from={month}-01");
    let (_, dashboard) = staff.get(&format!("/api/v1/stats?{period}")).await;
    let figure = |d: &serde_json::Value, id: &str| {
        d["figures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .unwrap()["value"]
            .as_f64()
            .unwrap() as usize
    };
    let conn = &app.state.db.conn;
    let full_names: std::collections::HashSet<String> =
        server::places::store::resident::Entity::find()
            .all(conn)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.name)
            .collect();
    let grids: HashMap<i64, String> = server::places::store::place::Entity::find()
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.kind == "grid")
        .map(|p| (p.id, p.name))
        .collect();
    let grid_names: std::collections::HashSet<&String> = grids.values().collect();
    let (_, session) = gw.get("/api/v1/auth/session").await;
    let my_grids: Vec<&String> = session["principal"]["grid_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &grids[&g.as_i64().unwrap()])
        .collect();
    assert!(!my_grids.is_empty());
    for kind in shared::stats::ExportKind::ALL {
        let path = format!(
            "/api/v1/stats/export?kind={}&format=csv&{period}",
            kind.as_str()
        );
        let (status, _, bytes) = download(&staff, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let (header, rows) = csv_rows(&bytes);
        assert!(
            !rows.is_empty(),
            "{kind:?}: the history has some in {month}"
        );
        let grid_col = header.iter().position(|h| h == "网格").unwrap();
        assert!(
            rows.iter()
                .all(|r| r[grid_col].is_empty() || grid_names.contains(&r[grid_col])),
            "{kind:?}: grids by name"
        );
        match kind {
            shared::stats::ExportKind::Cases => {
                assert_eq!(rows.len(), figure(&dashboard, "cases_reported"));
            }
            shared::stats::ExportKind::MediationFiles => {
                assert_eq!(rows.len(), figure(&dashboard, "mediation_accepted"));
            }
            shared::stats::ExportKind::CouncilItems => {
                assert!(rows.len() >= figure(&dashboard, "council_raised"));
            }
            _ => {
                // A person in care: the family name and a star, never the whole name.
                let person = header
                    .iter()
                    .position(|h| h.ends_with("对象"))
                    .unwrap_or_else(|| panic!("{kind:?}: {header:?}"));
                for r in &rows {
                    assert!(r[person].contains('*'), "{kind:?}: {:?}", r[person]);
                    assert!(
                        !full_names.contains(&r[person]),
                        "{kind:?}: {:?}",
                        r[person]
                    );
                }
                assert!(
                    !header
                        .iter()
                        .any(|h| h.contains("备注") || h.contains("情况")),
                    "{kind:?}: no notes: {header:?}"
                );
            }
        }
        // The grid worker's file holds only their grids' records.
        let (status, _, bytes) = download(&gw, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let (_, theirs) = csv_rows(&bytes);
        assert!(theirs.len() <= rows.len(), "{kind:?}");
        assert!(
            theirs
                .iter()
                .all(|r| r[grid_col].is_empty() || my_grids.contains(&&r[grid_col])),
            "{kind:?}: {my_grids:?}"
        );
    }
    assert!(
        download(
            &staff,
            &format!("/api/v1/stats/export?kind=visits&format=csv&{period}&by=grid&key=1"),
        )
        .await
        .0 == StatusCode::UNPROCESSABLE_ENTITY,
        "a breakdown group is the cases' alone"
    );
    // One kind as a workbook: its sheet named for the records, the same rows.
    let (_, _, bytes) = download(
        &staff,
        &format!("/api/v1/stats/export?kind=visits&format=xlsx&{period}"),
    )
    .await;
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let visits = wb.worksheet_range("走访记录").unwrap();
    let (_, _, csv) = download(
        &staff,
        &format!("/api/v1/stats/export?kind=visits&format=csv&{period}"),
    )
    .await;
    assert_eq!(visits.rows().count(), csv_rows(&csv).1.len() + 1);

    // The ranking: the page's rows, best first, score beside each indicator.
    for subject in ["grid_worker", "party", "grid"] {
        let (_, page) = staff
            .get(&format!(
                "/api/v1/assessment?subject={subject}&month={month}"
            ))
            .await;
        let (status, headers, bytes) = download(
            &staff,
            &format!("/api/v1/assessment/export?subject={subject}&month={month}&format=csv"),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["cache-control"], "no-store");
        let (header, rows) = csv_rows(&bytes);
        assert_eq!(header[0], "排名");
        assert_eq!(header[2], "得分");
        let page_rows = page["rows"].as_array().unwrap();
        assert_eq!(rows.len(), page_rows.len(), "{subject}");
        for (r, p) in rows.iter().zip(page_rows) {
            assert_eq!(r[1], p["name"].as_str().unwrap());
            assert_eq!(
                r[0],
                p["rank"]
                    .as_u64()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            );
        }
    }
    // A grid worker's file: their own row among the grid workers, as their page.
    let (_, theirs) = gw
        .get(&format!(
            "/api/v1/assessment?subject=grid_worker&month={month}"
        ))
        .await;
    let (_, _, bytes) = download(
        &gw,
        &format!("/api/v1/assessment/export?subject=grid_worker&month={month}&format=xlsx"),
    )
    .await;
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range(&wb.sheet_names()[0].clone()).unwrap();
    assert_eq!(
        sheet.rows().count(),
        theirs["rows"].as_array().unwrap().len() + 1
    );
    let audited = app.audit("stats.export").await;
    assert_eq!(
        audited.len(),
        2 * shared::stats::ExportKind::ALL.len() + 2 + 3 + 1,
        "every file is audited (the refused one is not)"
    );
}

/// The records the history made, as text: what must be the same for the same seed.
async fn contents(app: &TestApp) -> String {
    use server::care::store::{errand, order, visit};
    let conn = &app.state.db.conn;
    let mut out = String::new();
    for c in case::Entity::find()
        .order_by_asc(case::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{c:?}\n");
    }
    for e in event::Entity::find()
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{e:?}\n");
    }
    for v in visit::Entity::find()
        .order_by_asc(visit::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{v:?}\n");
    }
    for e in errand::Entity::find()
        .order_by_asc(errand::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{e:?}\n");
    }
    for o in order::Entity::find()
        .order_by_asc(order::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{o:?}\n");
    }
    for f in server::mediation::store::event::Entity::find()
        .order_by_asc(server::mediation::store::event::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{f:?}\n");
    }
    for i in server::council::store::event::Entity::find()
        .order_by_asc(server::council::store::event::Column::Id)
        .all(conn)
        .await
        .unwrap()
    {
        out += &format!("{i:?}\n");
    }
    out
}

async fn same_seed_same_history(a: TestApp, b: TestApp, c: TestApp) {
    let until = until();
    let plan = |seed| HistoryPlan {
        months: 2,
        seed,
        until,
    };
    fill(&a.state, &plan(7)).await.unwrap();
    fill(&b.state, &plan(7)).await.unwrap();
    fill(&c.state, &plan(8)).await.unwrap();
    let (a_text, b_text, c_text) = (contents(&a).await, contents(&b).await, contents(&c).await);
    assert!(a_text.lines().count() > 100);
    assert!(a_text == b_text, "the same seed gave different histories");
    assert!(a_text != c_text, "another seed gave the same history");
    a.cleanup().await;
    b.cleanup().await;
    c.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_demo_history() {
    let app = TestApp::sqlite().await;
    a_year_of_work_by_the_rules(&app).await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_demo_history() {
    let app = TestApp::postgres().await;
    a_year_of_work_by_the_rules(&app).await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_demo_history_is_deterministic() {
    same_seed_same_history(
        TestApp::sqlite().await,
        TestApp::sqlite().await,
        TestApp::sqlite().await,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_demo_history_is_deterministic() {
    same_seed_same_history(
        TestApp::postgres().await,
        TestApp::postgres().await,
        TestApp::postgres().await,
    )
    .await;
}
