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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_demo_stories() {
    let app = TestApp::sqlite_configured(true, |c| c.demo_stories = true).await;
    stories_leave_the_community_at_work(&app).await;
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_demo_stories() {
    let app = TestApp::postgres_configured(true, |c| c.demo_stories = true).await;
    stories_leave_the_community_at_work(&app).await;
    app.cleanup().await;
}
