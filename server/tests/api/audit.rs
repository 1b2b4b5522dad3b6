//! The audit log answers the secretary's questions: filters by person, action, resident,
//! record and days, on the server, page by page; details structured, never English words.

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn beijing_today() -> time::Date {
    time::OffsetDateTime::now_utc()
        .to_offset(shared::calendar::SHANGHAI)
        .date()
}

fn ymd(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

fn entries(page: &Value) -> Vec<&Value> {
    page["items"].as_array().unwrap().iter().collect()
}

async fn who_read_a_residents_record_this_month(app: &TestApp) {
    let staff = app.login("staff").await;
    let gw = app.login("gridworker").await;
    let admin = app.login("admin").await;
    let zhang = app.resident_id("张秀兰").await;
    let qu = app.resident_id("瞿桂英").await;
    let purpose = json!({"purpose": "visit"});
    for (who, id) in [(&staff, zhang), (&gw, zhang), (&staff, qu)] {
        let (status, body) = who
            .post(&format!("/api/v1/residents/{id}/reveal"), purpose.clone())
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = gw.get(&format!("/api/v1/care/residents/{zhang}")).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the grid worker reads her care record: {body}"
    );
    let (status, _) = staff.get("/api/v1/care/meals/enrolments").await;
    assert_eq!(status, StatusCode::OK);

    // Who read 张秀兰's record this month: her reveals and her care record, nobody else's.
    let today = beijing_today();
    let first = today.replace_day(1).unwrap();
    let q = format!(
        "/api/v1/audit?resident_id={zhang}&reads_only=true&from={}&to={}",
        ymd(first),
        ymd(today)
    );
    let (status, page) = admin.get(&q).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let found = entries(&page);
    assert_eq!(page["total"], 3, "{page}");
    assert!(
        found
            .iter()
            .all(|e| e["resident_id"] == zhang && e["resident_name"] == "张秀兰")
    );
    let mut readers: Vec<&str> = found
        .iter()
        .map(|e| e["actor_display_name"].as_str().unwrap())
        .collect();
    readers.sort();
    readers.dedup();
    assert_eq!(readers, ["王干事", "赵网格员"]);
    let mut actions: Vec<&str> = found
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        ["care.record.read", "resident.reveal", "resident.reveal"]
    );

    // By person, by action, by record.
    let gw_id = app.user_id("gridworker").await;
    let (_, page) = admin
        .get(&format!(
            "/api/v1/audit?actor_id={gw_id}&resident_id={zhang}"
        ))
        .await;
    assert!(entries(&page).iter().all(|e| e["actor_id"] == gw_id));
    assert_eq!(page["total"], 2, "{page}");
    let (_, page) = admin
        .get(&format!(
            "/api/v1/audit?action=care.record.read&resident_id={zhang}"
        ))
        .await;
    assert_eq!(page["total"], 1, "{page}");
    let (_, page) = admin
        .get(&format!("/api/v1/audit?entity=resident&entity_id={qu}"))
        .await;
    assert_eq!(page["total"], 1, "{page}");
    assert_eq!(entries(&page)[0]["resident_name"], "瞿桂英");

    // Days: nothing tomorrow; a range the wrong way round or an unknown action is refused.
    let tomorrow = ymd(today.next_day().unwrap());
    let (_, page) = admin
        .get(&format!(
            "/api/v1/audit?resident_id={zhang}&from={tomorrow}"
        ))
        .await;
    assert_eq!(page["total"], 0, "{page}");
    let (status, problem) = admin
        .get(&format!("/api/v1/audit?from={tomorrow}&to={}", ymd(first)))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "to");
    let (status, problem) = admin.get("/api/v1/audit?action=care.meals.peek").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "action");

    // Paging over the filtered list.
    let (_, page) = admin
        .get(&format!(
            "/api/v1/audit?resident_id={zhang}&limit=1&offset=1"
        ))
        .await;
    assert_eq!(entries(&page).len(), 1);
    assert!(page["total"].as_u64().unwrap() >= 3);

    // List reads carry a structured detail (put into words by the page), not "0 orders".
    let (_, page) = admin.get("/api/v1/audit?action=care.meals.read").await;
    let detail: Value =
        serde_json::from_str(entries(&page)[0]["detail"].as_str().unwrap()).unwrap();
    assert_eq!(detail["kind"], "count");
    assert_eq!(detail["of"], "meal_enrolments");

    // The log is the secretary's (admin's) alone.
    let (status, _) = staff
        .get(&format!("/api/v1/audit?resident_id={zhang}"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both!(who_read_a_residents_record_this_month);
