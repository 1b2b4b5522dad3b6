//! Map data: features by box and layer, case pins by visibility, point location.

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn the_map_answers_by_box_layer_and_point(app: &TestApp) {
    let resident = app.login("resident").await;
    let mediator = app.login("mediator").await;
    let whole = "121.44,31.21,121.47,31.24";
    let (status, fc) = resident
        .get(&format!(
            "/api/v1/map/features?bbox={whole}&layers=grids,micro_grids,buildings"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let count = |layer: &str| {
        fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["properties"]["layer"] == layer)
            .count()
    };
    assert_eq!(
        (count("grids"), count("micro_grids"), count("buildings")),
        (4, 8, 30)
    );
    // A box over the first grid's strip only (grids are 0.002° wide strips from 121.45).
    let (_, one) = resident
        .get("/api/v1/map/features?bbox=121.4502,31.2202,121.4508,31.2208&layers=grids")
        .await;
    let names: Vec<&str> = one["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["第一网格"]);

    // Reporting at a point: the server says where it is; outside every grid is refused.
    let (status, loc) = resident
        .get("/api/v1/map/locate?lon=121.4525&lat=31.2235")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(loc["grid"]["name"], "第二网格");
    assert_eq!(loc["micro_grid"]["name"], "2微网格");
    let (status, outside) = resident.get("/api/v1/map/locate?lon=121.5&lat=31.3").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(outside["errors"][0]["field"], "lon");

    // A pin for the reporter's own case; a mediator sees none.
    let (_, meta) = resident.get("/api/v1/cases/meta").await;
    let cat = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E-ENV-02")
        .unwrap()["id"]
        .clone();
    let (status, _) = resident
        .post("/api/v1/cases", json!({"title": "积水", "category_id": cat, "urgency": "normal", "source": "resident_report",
                                      "place_id": loc["micro_grid"]["id"], "lon": 121.4525, "lat": 31.2235}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, pins) = resident
        .get(&format!("/api/v1/map/features?bbox={whole}&layers=cases"))
        .await;
    assert_eq!(
        pins["features"][0]["geometry"]["coordinates"],
        json!([121.4525, 31.2235])
    );
    let (_, none) = mediator
        .get(&format!("/api/v1/map/features?bbox={whole}&layers=cases"))
        .await;
    assert_eq!(none["features"], json!([]));
    assert_eq!(
        resident
            .get("/api/v1/map/features?bbox=1,2,3&layers=grids")
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        resident
            .get(&format!("/api/v1/map/features?bbox={whole}&layers=roads"))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
both!(the_map_answers_by_box_layer_and_point);
