//! The hierarchy: browsing down from the street, admin edits with versions and validation.

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect()
}

async fn browsing_goes_from_street_to_household(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let (status, roots) = gw.get("/api/v1/places").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&roots), ["幸福街道"]);
    let street = roots[0]["id"].as_i64().unwrap();
    let (_, communities) = gw.get(&format!("/api/v1/places/{street}/children")).await;
    assert_eq!(names(&communities), ["幸福社区"]);
    let community = communities[0]["id"].as_i64().unwrap();
    let (_, grids) = gw
        .get(&format!("/api/v1/places/{community}/children"))
        .await;
    assert_eq!(
        names(&grids),
        ["第一网格", "第二网格", "第三网格", "第四网格"]
    );
    // Resident counts only where this grid worker may see people.
    assert!(grids[0]["resident_count"].as_u64().unwrap() > 0);
    assert!(grids[1]["resident_count"].is_null());

    let mut buildings = 0;
    for g in grids.as_array().unwrap() {
        let (_, micro) = gw
            .get(&format!("/api/v1/places/{}/children", g["id"]))
            .await;
        for m in micro.as_array().unwrap() {
            buildings += m["child_count"].as_u64().unwrap();
        }
    }
    assert_eq!(buildings, 30, "the demo community has thirty buildings");

    let building = app.place_id("XF-C01-B0001").await;
    let (status, view) = gw.get(&format!("/api/v1/places/{building}")).await;
    assert_eq!(status, StatusCode::OK);
    let path: Vec<&str> = view["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(path, ["幸福街道", "幸福社区", "第一网格", "1微网格"]);
    assert_eq!(view["geometry"]["type"], "Polygon");
    assert_eq!(view["grid_id"], app.place_id("XF-C01-G1").await);
    let (_, grids) = gw.get("/api/v1/grids").await;
    let locations: Vec<&str> = grids
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["location"].as_str().unwrap())
        .collect();
    assert_eq!(locations[0], "幸福街道 / 幸福社区 / 第一网格");
    assert_eq!(locations.len(), 4);
    assert_eq!(view["leaders"][0]["title"], "building_leader");

    let (_, households) = gw.get(&format!("/api/v1/places/{building}/children")).await;
    assert_eq!(households.as_array().unwrap().len(), 6);
    let first = households[0]["id"].as_i64().unwrap();
    let (_, people) = gw.get(&format!("/api/v1/places/{first}/residents")).await;
    assert_eq!(names(&people), ["张秀兰"]);
}
both!(browsing_goes_from_street_to_household);

async fn admin_edits_places_with_versions_and_validation(app: &TestApp) {
    let admin = app.login("admin").await;
    let micro = app.place_id("XF-C01-G1-M1").await;
    let community = app.place_id("XF-C01").await;

    // A building cannot hang directly under a community.
    let (status, body) = admin
        .post(
            "/api/v1/places",
            json!({"kind": "building", "parent_id": community, "code": "NEW-1", "name": "新楼"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "parent_id");
    assert_eq!(body["errors"][0]["code"], "invalid_parent");

    let square = json!({"type": "Polygon", "coordinates": [[[103.8301, 36.0601], [103.8302, 36.0601], [103.8302, 36.0602], [103.8301, 36.0601]]]});
    let (status, created) = admin
        .post(
            "/api/v1/places",
            json!({"kind": "building", "parent_id": micro, "code": "new-1", "name": "31栋", "geometry": square,
                   "leaders": [{"title": "building_leader", "name": "吴楼长"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["code"], "NEW-1");
    let id = created["id"].as_i64().unwrap();

    let (status, dup) = admin
        .post(
            "/api/v1/places",
            json!({"kind": "building", "parent_id": micro, "code": "NEW-1", "name": "重复"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dup["errors"][0]["code"], "duplicate");

    let open_ring = json!({"type": "Polygon", "coordinates": [[[103.38, 35.84], [103.48, 35.84], [103.48, 35.94], [103.38, 36.04]]]});
    let (status, bad) = admin
        .put(
            &format!("/api/v1/places/{id}"),
            json!({"code": "NEW-1", "name": "31栋", "geometry": open_ring, "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad["errors"][0]["field"], "geometry");

    let (status, updated) = admin
        .put(
            &format!("/api/v1/places/{id}"),
            json!({"code": "NEW-1", "name": "三十一栋", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["version"], 2);
    assert!(updated["geometry"].is_null());
    let (status, stale) = admin
        .put(
            &format!("/api/v1/places/{id}"),
            json!({"code": "NEW-1", "name": "旧名字", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["current"]["name"], "三十一栋");

    // A place with children cannot be deleted; an empty one can, at its current version.
    let (status, in_use) = admin
        .delete(&format!("/api/v1/places/{micro}?version=1"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(in_use["code"], "in_use");
    assert_eq!(
        admin
            .delete(&format!("/api/v1/places/{id}?version=1"))
            .await
            .0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        admin
            .delete(&format!("/api/v1/places/{id}?version=2"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        admin.get(&format!("/api/v1/places/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.audit("place.delete").await.len(), 1);
}
both!(admin_edits_places_with_versions_and_validation);

async fn staff_register_households_but_not_structure(app: &TestApp) {
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0002").await;
    let (status, h) = staff.post("/api/v1/places", json!({"kind": "household", "parent_id": building, "code": "XF-C01-B0002-701", "name": "701室"})).await;
    assert_eq!(status, StatusCode::CREATED, "{h}");
    let micro = app.place_id("XF-C01-G1-M1").await;
    let (status, _) = staff
        .post(
            "/api/v1/places",
            json!({"kind": "building", "parent_id": micro, "code": "B-X", "name": "X栋"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
both!(staff_register_households_but_not_structure);

async fn search_finds_places_and_scoped_residents(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let (status, found) = gw
        .get("/api/v1/search?q=%E7%AC%AC%E4%BA%8C%E7%BD%91%E6%A0%BC")
        .await; // 第二网格
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["places"][0]["place"]["name"], "第二网格");
    assert_eq!(
        found["places"][0]["location"],
        "幸福街道 / 幸福社区 / 第二网格"
    );

    // 钱卫国 lives in the second grid: the first grid's worker does not find him; staff do.
    let (_, gw_hits) = gw.get("/api/v1/search?q=%E9%92%B1%E5%8D%AB%E5%9B%BD").await;
    assert_eq!(gw_hits["residents"].as_array().unwrap().len(), 0);
    let staff = app.login("staff").await;
    let (_, staff_hits) = staff
        .get("/api/v1/search?q=%E9%92%B1%E5%8D%AB%E5%9B%BD")
        .await;
    assert_eq!(staff_hits["residents"][0]["name"], "钱卫国");
    assert_eq!(
        staff_hits["residents"][0]["address"],
        "第二网格 / 9栋 / 101室"
    );

    // LIKE wildcards in the query are taken literally.
    let (_, none) = staff.get("/api/v1/search?q=%25").await;
    assert_eq!(none["residents"].as_array().unwrap().len(), 0);
    assert_eq!(
        staff.get("/api/v1/search?q=").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
both!(search_finds_places_and_scoped_residents);

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

async fn area_edits_keep_grids_apart_and_inside_their_parent(app: &TestApp) {
    let admin = app.login("admin").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let m1 = app.place_id("XF-C01-G1-M1").await;
    let new_micro = |code: &str, g: Value| json!({"kind": "micro_grid", "parent_id": grid1, "code": code, "name": "新微网格", "geometry": g});

    // The first grid is 103.830–103.832 E; its micro-grids are bands split at 36.063 N.
    let (status, e) = admin
        .post(
            "/api/v1/places",
            new_micro("M-X", rect(103.8305, 36.0605, 103.8315, 36.0615)),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        e["errors"][0]["field"], "geometry/overlaps/XF-C01-G1-M1",
        "the error names the neighbour in the way"
    );
    assert_eq!(e["errors"][0]["code"], "overlaps");
    let (_, e) = admin
        .post(
            "/api/v1/places",
            new_micro("M-X", rect(103.831, 36.0605, 103.833, 36.0615)),
        )
        .await;
    let codes: Vec<&str> = e["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"outside_parent"), "{e}");
    let bow = json!({"type": "Polygon", "coordinates": [[[103.8301, 36.0601], [103.8309, 36.0609], [103.8309, 36.0601], [103.8301, 36.0609], [103.8301, 36.0601]]]});
    let (_, e) = admin.post("/api/v1/places", new_micro("M-X", bow)).await;
    assert_eq!(e["errors"][0]["code"], "self_intersecting");

    // Shrink the first band; the freed strip takes a new micro-grid that only touches its neighbours.
    let (status, shrunk) = admin.put(&format!("/api/v1/places/{m1}"), json!({"code": "XF-C01-G1-M1", "name": "1微网格", "geometry": rect(103.83, 36.06, 103.832, 36.062), "version": 1})).await;
    assert_eq!(status, StatusCode::OK, "{shrunk}");
    let (status, created) = admin
        .post(
            "/api/v1/places",
            new_micro("XF-C01-G1-M3", rect(103.83, 36.062, 103.832, 36.063)),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    // A grid may not shrink away from its micro-grids.
    let (status, e) = admin.put(&format!("/api/v1/places/{grid1}"), json!({"code": "XF-C01-G1", "name": "第一网格", "geometry": rect(103.83, 36.06, 103.832, 36.064), "version": 1})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["errors"][0]["field"], "geometry/children/XF-C01-G1-M2");
}
both!(area_edits_keep_grids_apart_and_inside_their_parent);
