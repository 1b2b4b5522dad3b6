//! The demo stories that `make run` tells through the API: they must keep working as the
//! areas change, and leave what a visitor to the demo expects to find.

use crate::common::*;
use reqwest::StatusCode;

async fn read(api: &Api, path: &str) -> String {
    let (status, body) = api.get(path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body.to_string()
}

async fn stories_leave_the_community_at_work(app: &TestApp) {
    let staff = app.login("staff").await;
    let cases = read(&staff, "/api/v1/cases").await;
    for title in [
        "巷口路面塌陷出一个坑",
        "地下车库窨井没有盖板",
        "楼道里有人从窗口拉线给电动车充电",
    ] {
        assert!(cases.contains(title), "{title} missing from {cases}");
    }
    assert!(
        read(&staff, "/api/v1/council/items")
            .await
            .contains("广场舞")
    );
    // The deliberation day is a Saturday evening in Beijing, whatever the server's clock zone.
    let (_, meetings) = staff.get("/api/v1/council/meetings").await;
    let meeting = &meetings[0];
    assert_eq!(meeting["title"], "网格议事日");
    let starts = time::OffsetDateTime::parse(
        meeting["starts_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap()
    .to_offset(shared::calendar::SHANGHAI);
    assert_eq!(starts.weekday(), time::Weekday::Saturday, "{starts}");
    assert_eq!((starts.hour(), starts.minute()), (19, 0), "{starts}");

    let mediator = app.login("mediator").await;
    assert!(
        read(&mediator, "/api/v1/mediation/files")
            .await
            .contains("空调外机")
    );

    // The visit's need became an errand for the grid worker who helps 张秀兰.
    let gw = app.login("gridworker").await;
    assert!(read(&gw, "/api/v1/care/errands").await.contains("张秀兰"));
    let admin = app.login("admin").await;
    assert!(
        read(&admin, "/api/v1/care/mailbox")
            .await
            .contains("无障碍坡道")
    );
}

/// The stories happen to the seed's people: nobody is registered twice in one household, and
/// the pairing, visit, errand and meal enrolment name the seeded 张秀兰 (1栋101室, born 1956)
/// and 瞿桂英 (1栋102室, born 1944); the README's other spelling 瞿桂芳 exists nowhere.
async fn stories_use_the_seeded_residents(app: &TestApp) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    use server::care::store::{enrolment, errand, pairing, visit};
    use server::places::store::resident;
    use std::collections::HashMap;
    let conn = &app.state.db.conn;
    let everyone = resident::Entity::find().all(conn).await.unwrap();
    let mut per_household: HashMap<(i64, &str), usize> = HashMap::new();
    for r in &everyone {
        *per_household
            .entry((r.household_id, r.name.as_str()))
            .or_default() += 1;
    }
    let twice: Vec<_> = per_household.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "the same name twice in a household: {twice:?}"
    );

    let seeded = |name: &str, household: i64, year: i32| {
        let found: Vec<_> = everyone.iter().filter(|r| r.name == name).collect();
        assert_eq!(found.len(), 1, "{name}: {found:?}");
        assert_eq!(
            (found[0].household_id, found[0].birth_year),
            (household, Some(year))
        );
        found[0].id
    };
    let zhang = seeded("张秀兰", app.place_id("XF-C01-B0001-101").await, 1956);
    let qu = seeded("瞿桂英", app.place_id("XF-C01-B0001-102").await, 1944);
    assert!(!everyone.iter().any(|r| r.name == "瞿桂芳"));

    let pairings = pairing::Entity::find().all(conn).await.unwrap();
    let mut paired: Vec<i64> = pairings.iter().map(|p| p.resident_id).collect();
    paired.sort();
    let mut expected = vec![zhang, qu];
    expected.sort();
    assert_eq!(paired, expected);
    let visits = visit::Entity::find().all(conn).await.unwrap();
    assert!(!visits.is_empty() && visits.iter().all(|v| v.resident_id == zhang));
    let errands = errand::Entity::find().all(conn).await.unwrap();
    assert!(!errands.is_empty() && errands.iter().all(|e| e.resident_id == zhang));
    let meals = enrolment::Entity::find()
        .filter(enrolment::Column::Active.eq(true))
        .all(conn)
        .await
        .unwrap();
    assert_eq!(
        meals.iter().map(|e| e.resident_id).collect::<Vec<_>>(),
        vec![qu]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_demo_stories() {
    let app = TestApp::sqlite_configured(true, |c| c.demo_stories = true).await;
    stories_leave_the_community_at_work(&app).await;
    stories_use_the_seeded_residents(&app).await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_demo_stories() {
    let app = TestApp::postgres_configured(true, |c| c.demo_stories = true).await;
    stories_leave_the_community_at_work(&app).await;
    stories_use_the_seeded_residents(&app).await;
    app.cleanup().await;
}
