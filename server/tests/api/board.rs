//! The status board: columns, order, figures, and the live stream of changes.

use crate::both;
use crate::common::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

async fn file(api: &Api, app: &TestApp, title: &str) -> Value {
    let (_, meta) = api.get("/api/v1/cases/meta").await;
    let cat = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E-ENV-01")
        .unwrap()["id"]
        .clone();
    let place = app.place_id("XF-C01-B0002").await;
    let (status, c) = api
        .post("/api/v1/cases", json!({"title": title, "category_id": cat, "urgency": "normal", "source": "resident_report", "place_id": place}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c
}

fn column<'a>(board: &'a Value, stage: &str) -> &'a Value {
    board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["stage"] == stage)
        .unwrap()
}

fn titles(col: &Value) -> Vec<String> {
    col["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap().to_string())
        .collect()
}

async fn the_board_shows_columns_in_order_with_figures(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    for t in ["甲", "乙", "丙"] {
        file(&resident, app, t).await;
    }
    let (status, board) = staff.get("/api/v1/board").await;
    assert_eq!(status, StatusCode::OK);
    let stages: Vec<&str> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        stages,
        [
            "reported",
            "registered",
            "dispatched",
            "in_progress",
            "postponed",
            "handled",
            "verified",
            "closed"
        ]
    );
    let reported = column(&board, "reported");
    assert_eq!(titles(reported), ["甲", "乙", "丙"], "new reports go last");
    assert_eq!(
        reported["cards"][0]["legal_actions"],
        json!(["register", "refuse"]),
        "each card says what this user may do"
    );
    let gw = app.login("gridworker").await;
    let (_, people) = gw
        .get(&format!(
            "/api/v1/assignees?grid_id={}",
            app.place_id("XF-C01-G1").await
        ))
        .await;
    let names: Vec<&str> = people
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["display_name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"赵网格员") && names.contains(&"王干事"),
        "{names:?}"
    );
    let (_, other) = gw
        .get(&format!(
            "/api/v1/assignees?grid_id={}",
            app.place_id("XF-C01-G2").await
        ))
        .await;
    assert!(
        !other
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["display_name"] == "赵网格员"),
        "not a worker of the second grid"
    );
    assert_eq!(reported["total"], 3);
    assert_eq!(board["figures"]["open"], 3);
    assert_eq!(
        board["figures"]["closure_rate"],
        Value::Null,
        "nothing is due yet"
    );

    // Drag 丙 between 甲 and 乙: one card changes.
    let cards = reported["cards"].as_array().unwrap();
    let (a, b, c) = (&cards[0], &cards[1], &cards[2]);
    let (status, moved) = staff
        .post(
            &format!("/api/v1/cases/{}/rank", c["id"]),
            json!({"version": c["version"], "after_id": a["id"], "before_id": b["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (_, board) = staff.get("/api/v1/board").await;
    assert_eq!(titles(column(&board, "reported")), ["甲", "丙", "乙"]);
    // A move to another column can say where the card lands.
    let (status, _) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", b["id"]),
            json!({"action": "register", "version": b["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let b2 = staff.get(&format!("/api/v1/cases/{}", a["id"])).await.1;
    let (status, _) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", a["id"]),
            json!({"action": "register", "version": b2["version"], "before_id": b["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, board) = staff.get("/api/v1/board").await;
    assert_eq!(titles(column(&board, "registered")), ["甲", "乙"]);
    // Filters narrow the board and its figures.
    let (_, filtered) = staff.get("/api/v1/board?q=%E4%B8%99").await;
    assert_eq!(filtered["figures"]["open"], 1);
    // The board is the office's and the grid workers' work (`Permission::WorkCases`): the
    // reporter follows their reports in their own list, and may not reorder cards.
    let (status, _) = resident.get("/api/v1/board").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let card = &column(&board, "registered")["cards"][0];
    assert_eq!(
        resident
            .post(
                &format!("/api/v1/cases/{}/rank", card["id"]),
                json!({"version": card["version"]})
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}
both!(the_board_shows_columns_in_order_with_figures);

async fn every_open_board_sees_a_move_live_and_reconnects_resume(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let (status, u) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "钱网格员", "password": "linju-demo",
                "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    let other_grid = app.login("gw2").await;
    let c = file(&resident, app, "井盖松动").await;
    let (_, board) = staff.get("/api/v1/board").await;
    let cursor = board["cursor"].as_i64().unwrap();

    // Both streams are subscribed once open (no waiting on the clock for them to connect).
    let watching = staff.open_live("/api/v1/live", None).await;
    let not_watching = other_grid.open_live("/api/v1/live", None).await;
    // The board's feed is for those who work the board.
    let (status, _) = app.login("mediator").await.get("/api/v1/live").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, moved) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", c["id"]),
            json!({"action": "register", "version": c["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let seen = watching.events("case", 1, Duration::from_secs(10)).await;
    assert_eq!(seen.len(), 1, "the other board got the move");
    assert_eq!(seen[0]["case_id"], c["id"]);
    assert_eq!(seen[0]["stage"], "registered");
    assert_eq!(seen[0]["version"], moved["version"]);
    assert!(
        not_watching
            .events("case", 1, Duration::from_millis(1500))
            .await
            .is_empty(),
        "another grid's worker hears of no case they may not see"
    );

    // A client that was away asks for what it missed since the board it loaded.
    let missed = staff
        .live_events(
            "/api/v1/live",
            "case",
            Some(cursor),
            1,
            Duration::from_secs(5),
        )
        .await;
    assert_eq!(missed.len(), 1);
    assert_eq!(missed[0]["action"], "register");
}
both!(every_open_board_sees_a_move_live_and_reconnects_resume);

async fn wip_limits_undo_and_saved_filters(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let admin = app.login("admin").await;
    let a = file(&resident, app, "一").await;
    let b = file(&resident, app, "二").await;

    let (status, limits) = admin
        .put(
            "/api/v1/board/limits",
            json!([{"stage": "registered", "soft": 1, "hard": 1}]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{limits}");
    assert_eq!(
        admin
            .put(
                "/api/v1/board/limits",
                json!([{"stage": "registered", "soft": 3, "hard": 2}])
            )
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (status, a2) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", a["id"]),
            json!({"action": "register", "version": a["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, full) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", b["id"]),
            json!({"action": "register", "version": b["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(full["code"], "wip_limit_reached");
    let (_, board) = staff.get("/api/v1/board").await;
    assert_eq!(
        (
            column(&board, "registered")["soft_limit"].clone(),
            column(&board, "registered")["hard_limit"].clone()
        ),
        (json!(1), json!(1))
    );

    // Ctrl+Z: the move is taken back exactly; a second undo has nothing to take back.
    assert!(a2["deadline_at"].is_string());
    let other = app.login("admin").await;
    assert_eq!(
        other
            .post(
                &format!("/api/v1/cases/{}/undo", a["id"]),
                json!({"version": a2["version"]})
            )
            .await
            .1["code"],
        "cannot_undo",
        "not their move"
    );
    let (status, back) = staff
        .post(
            &format!("/api/v1/cases/{}/undo", a["id"]),
            json!({"version": a2["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    assert_eq!(back["stage"], "reported");
    assert_eq!(back["deadline_at"], Value::Null);
    assert_eq!(back["stage_entered_at"], a["stage_entered_at"]);
    let (status, again) = staff
        .post(
            &format!("/api/v1/cases/{}/undo", a["id"]),
            json!({"version": back["version"]}),
        )
        .await;
    assert_eq!(
        (status, again["code"].clone()),
        (StatusCode::CONFLICT, json!("cannot_undo"))
    );
    // Now there is room in the column again.
    let (status, _) = staff
        .post(
            &format!("/api/v1/cases/{}/moves", b["id"]),
            json!({"action": "register", "version": b["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    // Saved filters are per user.
    assert_eq!(
        staff.get("/api/v1/settings/board.filters").await.1,
        Value::Null
    );
    staff
        .put(
            "/api/v1/settings/board.filters",
            json!({"grid_id": 3, "overdue": true}),
        )
        .await;
    assert_eq!(
        staff.get("/api/v1/settings/board.filters").await.1,
        json!({"grid_id": 3, "overdue": true})
    );
    assert_eq!(
        admin.get("/api/v1/settings/board.filters").await.1,
        Value::Null
    );
    assert_eq!(
        staff.get("/api/v1/settings/Bad%20Key").await.0,
        StatusCode::NOT_FOUND
    );
}
both!(wip_limits_undo_and_saved_filters);

/// The header figures count what they say (shared::board::Counts::figures), on cases placed
/// directly in every situation the definitions tell apart: open and overdue, open and not yet
/// due, closed on time, closed late, postponed past its deadline, refused; with one passed and
/// one failed verification.
async fn the_board_figures_count_each_situation(app: &TestApp) {
    use sea_orm::{ActiveModelTrait, Set};
    use server::cases::store::{case, event};
    let staff = app.login("staff").await;
    let cat = crate::common::category(&staff, "E-ENV-01").await;
    let grid = app.place_id("XF-C01-G1").await;
    let now = time::OffsetDateTime::now_utc();
    let hours = time::Duration::hours;
    // (title, stage, deadline from now, closed from now)
    let situations = [
        ("图表-超期未办", "in_progress", hours(-5), None),
        ("图表-未到期", "registered", hours(30), None),
        ("图表-按期办结", "closed", hours(-48), Some(hours(-50))),
        ("图表-超期办结", "closed", hours(-48), Some(hours(-40))),
        ("图表-缓办", "postponed", hours(-5), None),
        ("图表-不予立案", "refused", hours(-5), None),
    ];
    let mut ids = Vec::new();
    for (i, (title, stage, deadline, closed)) in situations.into_iter().enumerate() {
        let c = case::ActiveModel {
            number: Set(format!("F-{i:06}")),
            title: Set(title.into()),
            description: Set(String::new()),
            category_id: Set(cat),
            urgency: Set("normal".into()),
            source: Set("hotline".into()),
            stage: Set(stage.into()),
            grid_id: Set(Some(grid)),
            place_id: Set(Some(grid)),
            lon: Set(None),
            lat: Set(None),
            reporter_id: Set(None),
            reporter_name: Set(None),
            reporter_hidden: Set(false),
            responsible_party_id: Set(None),
            assignee_id: Set(None),
            feedback_by: Set(None),
            deadline_at: Set(Some(now + deadline)),
            postpone_until: Set(None),
            stage_entered_at: Set(now),
            registered_at: Set(Some(now - hours(72))),
            closed_at: Set(closed.map(|c| now + c)),
            rework_count: Set(0),
            rating_score: Set(None),
            rating_note: Set(None),
            origin: Set(None),
            board_rank: Set(format!("{i:020}f")),
            version: Set(1),
            created_at: Set(now - hours(72)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.state.db.conn)
        .await
        .unwrap();
        ids.push(c.id);
    }
    for (case_id, action) in [(ids[2], "verify_pass"), (ids[3], "verify_fail")] {
        event::ActiveModel {
            case_id: Set(case_id),
            at: Set(now),
            actor_id: Set(None),
            actor_name: Set(None),
            action: Set(action.into()),
            from_stage: Set(Some("handled".into())),
            to_stage: Set(Some("verified".into())),
            note: Set(None),
            detail: Set(None),
            ..Default::default()
        }
        .insert(&app.state.db.conn)
        .await
        .unwrap();
    }
    let (status, board) = staff.get("/api/v1/board?q=%E5%9B%BE%E8%A1%A8").await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let f = &board["figures"];
    // Open: the overdue, the not yet due and the postponed case; overdue: only the one whose
    // clock runs; due: all but the not-yet-due and the refused (4), of which one postponed.
    assert_eq!(f["open"], 3, "{f}");
    assert_eq!(f["overdue"], 1, "{f}");
    let close = |v: &Value, want: f64| (v.as_f64().unwrap() - want).abs() < 1e-9;
    assert!(
        close(&f["closure_rate"], 2.0 / 3.0),
        "closed 2 of 4 due − 1 postponed: {f}"
    );
    assert!(
        close(&f["on_time_rate"], 1.0 / 3.0),
        "1 closed on time of 3: {f}"
    );
    assert!(
        close(&f["rework_rate"], 0.5),
        "1 failed of 2 verifications: {f}"
    );
    let totals: Vec<(String, u64)> = board["columns"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["total"].as_u64().unwrap() > 0)
        .map(|c| {
            (
                c["stage"].as_str().unwrap().to_string(),
                c["total"].as_u64().unwrap(),
            )
        })
        .collect();
    // The closed column shows the latest closed first.
    assert_eq!(
        titles(column(&board, "closed")),
        ["图表-超期办结", "图表-按期办结"],
        "closed 40 hours ago before closed 50 hours ago"
    );
    assert_eq!(
        totals,
        [
            ("registered".to_string(), 1),
            ("in_progress".to_string(), 1),
            ("postponed".to_string(), 1),
            ("closed".to_string(), 2)
        ]
    );
}
both!(the_board_figures_count_each_situation);
