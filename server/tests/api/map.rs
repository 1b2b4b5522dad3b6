//! Map data: features by box and layer, case pins by visibility, point location.

use crate::both;
use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::json;

async fn the_map_answers_by_box_layer_and_point(app: &TestApp) {
    let resident = app.login("resident").await;
    let mediator = app.login("mediator").await;
    let whole = "103.82,36.05,103.85,36.08";
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
    // A box over the first grid's strip only (grids are 0.002° wide strips from 103.83).
    let (_, one) = resident
        .get("/api/v1/map/features?bbox=103.8302,36.0602,103.8308,36.0608&layers=grids")
        .await;
    let names: Vec<&str> = one["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["第一网格"]);
    // What the client already holds is left out: a box over the first grid's strip keeps
    // back the places wholly inside it.
    let (_, rest) = resident
        .get(&format!(
            "/api/v1/map/features?bbox={whole}&layers=grids,micro_grids,buildings&have=103.8299,36.0599,103.8321,36.0661"
        ))
        .await;
    let rest_names: Vec<&str> = rest["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["name"].as_str().unwrap())
        .collect();
    assert!(
        !rest_names.contains(&"第一网格") && rest_names.contains(&"第二网格"),
        "{rest_names:?}"
    );
    assert!(rest_names.len() < 42);

    // Reporting at a point: the server says where it is; outside every grid is refused.
    let (status, loc) = resident
        .get("/api/v1/map/locate?lon=103.8325&lat=36.0635")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(loc["grid"]["name"], "第二网格");
    assert_eq!(loc["micro_grid"]["name"], "2微网格");
    let (status, outside) = resident
        .get("/api/v1/map/locate?lon=103.88&lat=36.14")
        .await;
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
                                      "place_id": loc["micro_grid"]["id"], "lon": 103.8325, "lat": 36.0635}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, pins) = resident
        .get(&format!("/api/v1/map/features?bbox={whole}&layers=cases"))
        .await;
    assert_eq!(
        pins["features"][0]["geometry"]["coordinates"],
        json!([103.8325, 36.0635])
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

/// A point on a building's footprint names the building (a report from "my location" is
/// filed there); a point between buildings names only the grid and micro-grid.
async fn a_point_on_a_building_names_the_building(app: &TestApp) {
    let resident = app.login("resident").await;
    let building = app.place_id("XF-C01-B0001").await;
    let (_, b) = resident.get(&format!("/api/v1/places/{building}")).await;
    let ring = b["geometry"]["coordinates"][0].as_array().unwrap().clone();
    let corner = |i: usize, j: usize| ring[i][j].as_f64().unwrap();
    let (lon, lat) = (
        (corner(0, 0) + corner(2, 0)) / 2.0,
        (corner(0, 1) + corner(2, 1)) / 2.0,
    );
    let (status, loc) = resident
        .get(&format!("/api/v1/map/locate?lon={lon}&lat={lat}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{loc}");
    assert_eq!(loc["grid"]["name"], "第一网格");
    assert_eq!(loc["micro_grid"]["name"], "1微网格");
    assert_eq!(loc["building"]["id"], building, "{loc}");
    // Just below the footprint: still the micro-grid, no building.
    let below = corner(0, 1).min(corner(2, 1)) - 0.0002;
    let (status, loc) = resident
        .get(&format!("/api/v1/map/locate?lon={lon}&lat={below}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{loc}");
    assert!(loc["building"].is_null(), "{loc}");
}
both!(a_point_on_a_building_names_the_building);

async fn a_grid_panel_shows_figures_only_to_those_who_may_see_them(app: &TestApp) {
    let g1 = app.place_id("XF-C01-G1").await;
    let g2 = app.place_id("XF-C01-G2").await;
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let gridworker = app.login("gridworker").await;
    let mediator = app.login("mediator").await;

    // A resident files a case in the first grid, at a point of its first micro-grid.
    let (_, meta) = resident.get("/api/v1/cases/meta").await;
    let cat = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "E-ENV-02")
        .unwrap()["id"]
        .clone();
    let (_, loc) = resident
        .get("/api/v1/map/locate?lon=103.8305&lat=36.0605")
        .await;
    assert_eq!(loc["grid"]["id"], g1);
    let (status, _) = resident
        .post("/api/v1/cases", json!({"title": "积水", "category_id": cat, "urgency": "normal", "source": "resident_report",
                                      "place_id": loc["micro_grid"]["id"], "lon": 103.8305, "lat": 36.0605}))
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Staff: everything, counts only.
    let (status, s) = staff.get(&format!("/api/v1/map/grids/{g1}/summary")).await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["grid"]["name"], "第一网格");
    assert_eq!(
        s["path"].as_array().unwrap().len(),
        2,
        "street and community"
    );
    assert_eq!(s["micro_grids"].as_array().unwrap().len(), 2);
    assert_eq!(s["buildings"], 8);
    assert_eq!(s["leaders"][0]["title"], "grid_leader");
    assert_eq!(s["cases"], json!({"open": 1, "overdue": 0}));
    let special = s["special_group_households"].as_u64().unwrap();
    assert!(
        special > 0,
        "the seed story has special-group residents in grid 1"
    );
    assert!(
        !s.to_string().contains("张秀兰"),
        "no resident's name in the panel"
    );

    // The grid worker of grid 1 sees their grid's figures, not grid 2's.
    let (_, own) = gridworker
        .get(&format!("/api/v1/map/grids/{g1}/summary"))
        .await;
    assert_eq!(own["cases"]["open"], 1);
    assert_eq!(own["special_group_households"], special);
    let (status, other) = gridworker
        .get(&format!("/api/v1/map/grids/{g2}/summary"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(other["grid"]["name"], "第二网格");
    assert_eq!(other["cases"], json!(null));
    assert_eq!(other["special_group_households"], json!(null));

    // Residents and mediators: names and leaders, no figures.
    for who in [&resident, &mediator] {
        let (_, s) = who.get(&format!("/api/v1/map/grids/{g1}/summary")).await;
        assert_eq!(s["cases"], json!(null));
        assert_eq!(s["special_group_households"], json!(null));
    }
    // Only grids have panels.
    let building = app.place_id("XF-C01-B0001").await;
    assert_eq!(
        staff
            .get(&format!("/api/v1/map/grids/{building}/summary"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        staff.get("/api/v1/map/grids/999999/summary").await.0,
        StatusCode::NOT_FOUND
    );

    // The choropleth's figures: the office gets every grid, a grid worker theirs only.
    let whole = "103.82,36.05,103.85,36.08";
    let (_, all) = staff
        .get(&format!("/api/v1/map/figures?bbox={whole}"))
        .await;
    assert_eq!(all.as_array().unwrap().len(), 4);
    let first = all
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["grid_id"] == g1)
        .unwrap();
    assert_eq!(
        (first["open"].as_u64(), first["overdue"].as_u64()),
        (Some(1), Some(0))
    );
    let (_, mine) = gridworker
        .get(&format!("/api/v1/map/figures?bbox={whole}"))
        .await;
    assert_eq!(mine, json!([{"grid_id": g1, "open": 1, "overdue": 0}]));
    let (_, none) = resident
        .get(&format!("/api/v1/map/figures?bbox={whole}"))
        .await;
    assert_eq!(none, json!([]));
    assert_eq!(
        staff.get("/api/v1/map/figures?bbox=x").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The heat map: cases reported in the window, binned; the mediator sees none of them.
    let today = time::OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date();
    let day = |d: time::Date| format!("{}-{:02}-{:02}", d.year(), d.month() as u8, d.day());
    let window = format!(
        "from={}&to={}",
        day(today - time::Duration::days(7)),
        day(today)
    );
    let (status, h) = staff
        .get(&format!("/api/v1/map/heat?bbox={whole}&{window}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{h}");
    assert_eq!((h["total"].as_u64(), h["max"].as_u64()), (Some(1), Some(1)));
    let cell = &h["cells"][0];
    assert!((cell["lon"].as_f64().unwrap() - 103.8305).abs() < h["cell_lon"].as_f64().unwrap());
    let (_, h) = mediator
        .get(&format!("/api/v1/map/heat?bbox={whole}&{window}"))
        .await;
    assert_eq!(h["total"], 0);
    let (_, old) = staff
        .get(&format!(
            "/api/v1/map/heat?bbox={whole}&from=2020-01-01&to=2020-01-31"
        ))
        .await;
    assert_eq!(old["total"], 0, "outside the window");
    for bad in [
        "from=2026-13-01&to=2026-12-31",
        "from=2026-02-01&to=2026-01-01",
        "from=2020-01-01&to=2026-01-01",
    ] {
        assert_eq!(
            staff
                .get(&format!("/api/v1/map/heat?bbox={whole}&{bad}"))
                .await
                .0,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
}
both!(a_grid_panel_shows_figures_only_to_those_who_may_see_them);

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> serde_json::Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

async fn outline_edits_are_kept_and_can_be_undone(app: &TestApp) {
    let admin = app.login("admin").await;
    let g1 = app.place_id("XF-C01-G1").await;
    let (_, before) = admin.get(&format!("/api/v1/places/{g1}")).await;
    let v0 = before["version"].as_i64().unwrap();
    // Nothing to undo yet.
    let (status, body) = admin
        .post(
            &format!("/api/v1/places/{g1}/geometry/undo"),
            json!({"version": v0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["errors"][0]["code"], "nothing_to_undo");

    // A new outline with one more corner (on the community's western border).
    let edited = json!({"type": "Polygon", "coordinates": [[[103.83, 36.06], [103.832, 36.06], [103.832, 36.066],
        [103.83, 36.066], [103.83, 36.063], [103.83, 36.06]]]});
    let put = |geometry: serde_json::Value, version: i64| {
        json!({"code": before["code"], "name": before["name"], "address": before["address"],
               "geometry": geometry, "leaders": before["leaders"], "version": version})
    };
    let (status, after) = admin
        .put(&format!("/api/v1/places/{g1}"), put(edited.clone(), v0))
        .await;
    assert_eq!(status, StatusCode::OK, "{after}");
    // A rename alone keeps no outline.
    let mut renamed = put(edited.clone(), v0 + 1);
    renamed["name"] = json!("第一网格（东）");
    let (status, _) = admin.put(&format!("/api/v1/places/{g1}"), renamed).await;
    assert_eq!(status, StatusCode::OK);
    // An overlapping outline is refused, names the neighbour and changes nothing.
    let (status, refused) = admin
        .put(
            &format!("/api/v1/places/{g1}"),
            put(rect(103.83, 36.06, 103.833, 36.066), v0 + 2),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["errors"][0]["field"], "geometry/overlaps/XF-C01-G2");

    // Stale undo: 409 with the current record; then the undo brings the rectangle back.
    let (status, stale) = admin
        .post(
            &format!("/api/v1/places/{g1}/geometry/undo"),
            json!({"version": v0}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(stale["current"]["version"], v0 + 2);
    let (status, undone) = admin
        .post(
            &format!("/api/v1/places/{g1}/geometry/undo"),
            json!({"version": v0 + 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["geometry"], before["geometry"]);
    assert_eq!(
        undone["name"], "第一网格（东）",
        "only the outline goes back"
    );
    assert_eq!(undone["version"], v0 + 3);
    let (status, _) = admin
        .post(
            &format!("/api/v1/places/{g1}/geometry/undo"),
            json!({"version": v0 + 3}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one change, one undo"
    );
    assert_eq!(app.audit("place.geometry_undo").await.len(), 1);

    // Staff may not.
    let staff = app.login("staff").await;
    assert_eq!(
        staff
            .post(
                &format!("/api/v1/places/{g1}/geometry/undo"),
                json!({"version": v0 + 3}),
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}
both!(outline_edits_are_kept_and_can_be_undone);

async fn geojson_import_applies_the_map_rules(app: &TestApp) {
    let admin = app.login("admin").await;
    // Two new grids, each overlapping 第一网格 (and the second the first).
    let doc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": rect(103.8315, 36.061, 103.8325, 36.062),
         "properties": {"kind": "grid", "code": "XF-C01-G9", "name": "第九网格", "parent_code": "XF-C01"}},
        {"type": "Feature", "geometry": rect(103.83, 36.061, 103.8315, 36.0625),
         "properties": {"kind": "grid", "code": "XF-C01-G8", "name": "第八网格", "parent_code": "XF-C01"}}
    ]});
    for dry in [true, false] {
        let r = admin
            .request(
                reqwest::Method::POST,
                &format!("/api/v1/places/import?dry_run={dry}"),
            )
            .json(&doc)
            .send()
            .await
            .unwrap();
        let report: serde_json::Value = r.json().await.unwrap();
        assert_eq!(report["committed"], false, "{report}");
        let rows: Vec<i64> = report["rejected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["row"].as_i64().unwrap())
            .collect();
        assert_eq!(rows, [1, 2], "{report}");
        assert!(report.to_string().contains("geometry/overlaps/XF-C01-G1"));
    }
    let (_, found) = admin.get("/api/v1/search?q=XF-C01-G9").await;
    assert_eq!(found["places"], json!([]), "nothing was written");
}
both!(geojson_import_applies_the_map_rules);

async fn micro_grids_split_along_a_line_and_merge_back(app: &TestApp) {
    let admin = app.login("admin").await;
    let m1 = app.place_id("XF-C01-G1-M1").await;
    let (_, before) = admin.get(&format!("/api/v1/places/{m1}")).await;
    let v = before["version"].as_i64().unwrap();
    let (_, kids) = admin.get(&format!("/api/v1/places/{m1}/children")).await;
    assert_eq!(kids.as_array().unwrap().len(), 4);
    let split = |version: i64, code: &str| json!({"version": version, "line": [[103.831, 36.059], [103.831, 36.064]], "code": code, "name": "1微网格东"});
    // Stale, a duplicate code, a line that does not cut: refused, nothing written.
    assert_eq!(
        admin
            .post(
                &format!("/api/v1/map/places/{m1}/split"),
                split(v - 1, "XF-C01-G1-M9")
            )
            .await
            .0,
        StatusCode::CONFLICT
    );
    let (status, dup) = admin
        .post(
            &format!("/api/v1/map/places/{m1}/split"),
            split(v, "XF-C01-G1-M2"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(dup["errors"][0]["field"], "code");
    let (status, miss) = admin
        .post(
            &format!("/api/v1/map/places/{m1}/split"),
            json!({"version": v, "line": [[103.84, 36.059], [103.84, 36.064]], "code": "XF-C01-G1-M9", "name": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(miss["errors"][0]["field"], "line");
    let g1 = app.place_id("XF-C01-G1").await;
    assert_eq!(
        admin
            .post(
                &format!("/api/v1/map/places/{g1}/split"),
                split(1, "XF-C01-G9")
            )
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY,
        "grids are not split on the map"
    );

    // The split: two halves, the buildings shared out by where they stand.
    let (status, parts) = admin
        .post(
            &format!("/api/v1/map/places/{m1}/split"),
            split(v, "XF-C01-G1-M9"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{parts}");
    let (west, east) = (&parts[0], &parts[1]);
    assert_eq!(west["id"], m1);
    assert_eq!(west["version"], v + 1);
    assert_eq!(east["name"], "1微网格东");
    let count = |id: &serde_json::Value| {
        let admin = &admin;
        let id = id.clone();
        async move {
            admin
                .get(&format!("/api/v1/places/{id}/children"))
                .await
                .1
                .as_array()
                .unwrap()
                .len()
        }
    };
    let (w, e) = (count(&west["id"]).await, count(&east["id"]).await);
    assert_eq!((w, e), (2, 2), "buildings go with their half");
    assert_eq!(app.audit("place.split").await.len(), 1);

    // Merge back: the other half's buildings come home and it is gone.
    let (status, wrong) = admin
        .post(
            &format!("/api/v1/map/places/{m1}/merge"),
            json!({"version": v + 1, "other_id": app.place_id("XF-C01-G2-M1").await, "other_version": 1}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a sibling: {wrong}"
    );
    let (status, merged) = admin
        .post(
            &format!("/api/v1/map/places/{m1}/merge"),
            json!({"version": v + 1, "other_id": east["id"], "other_version": east["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{merged}");
    assert_eq!(merged["version"], v + 2);
    assert_eq!(
        merged["geometry"]["coordinates"][0]
            .as_array()
            .unwrap()
            .len(),
        5,
        "the rectangle again"
    );
    assert_eq!(count(&merged["id"]).await, 4);
    assert_eq!(
        admin.get(&format!("/api/v1/places/{}", east["id"])).await.0,
        StatusCode::NOT_FOUND
    );
    // The merge can be undone to the half it was, which no longer overlaps anything.
    let (status, undone) = admin
        .post(
            &format!("/api/v1/places/{m1}/geometry/undo"),
            json!({"version": v + 2}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{undone}");
    assert_eq!(undone["geometry"], west["geometry"]);

    let staff = app.login("staff").await;
    assert_eq!(
        staff
            .post(
                &format!("/api/v1/map/places/{m1}/split"),
                split(v + 3, "XF-C01-G1-M8")
            )
            .await
            .0,
        StatusCode::FORBIDDEN
    );
}
both!(micro_grids_split_along_a_line_and_merge_back);

async fn no_tile_layer_unless_configured(app: &TestApp) {
    let (status, cfg) = app.login("resident").await.get("/api/v1/map/config").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        cfg,
        json!({"tiles": null}),
        "the map works offline by default"
    );
}
both!(no_tile_layer_unless_configured);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_tile_layer_reaches_the_map() {
    let app = TestApp::sqlite_configured(true, |c| {
        c.map_tiles = Some(shared::map::TileLayer {
            url: "https://tiles.example/{z}/{x}/{y}.png".into(),
            crs: shared::map::TileCrs::Gcj02,
            attribution: "© 示例".into(),
        })
    })
    .await;
    let (_, cfg) = app.login("staff").await.get("/api/v1/map/config").await;
    assert_eq!(
        cfg["tiles"],
        json!({"url": "https://tiles.example/{z}/{x}/{y}.png", "crs": "gcj02", "attribution": "© 示例"})
    );
    app.cleanup().await;
}

fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// Hazards (安全隐患) are case pins flagged as such; ordinary pins are not.
async fn hazards_are_flagged_among_the_pins(app: &TestApp) {
    let resident = app.login("resident").await;
    let (_, meta) = resident.get("/api/v1/cases/meta").await;
    let cat = |code: &str| {
        meta["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()["id"]
            .clone()
    };
    let micro = app.place_id("XF-C01-G1-M1").await;
    for (title, code, lon) in [
        ("井口无盖", "E-SAF-02", 103.8303),
        ("垃圾满溢", "E-ENV-01", 103.8306),
    ] {
        let (status, body) = resident
            .post(
                "/api/v1/cases",
                json!({"title": title, "category_id": cat(code), "urgency": "normal",
                "source": "resident_report", "place_id": micro, "lon": lon, "lat": 36.0605}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (_, pins) = resident
        .get("/api/v1/map/features?bbox=103.82,36.05,103.85,36.08&layers=cases")
        .await;
    let flags: std::collections::BTreeMap<String, bool> = pins["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["properties"]["title"].as_str().unwrap().to_string(),
                f["properties"]["hazard"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(flags.get("井口无盖"), Some(&true));
    assert_eq!(flags.get("垃圾满溢"), Some(&false));
}
both!(hazards_are_flagged_among_the_pins);

/// The care layers count per micro-grid, never name anyone, and only for those who may see
/// special groups there; visits this month show in the grid panel too.
async fn care_layers_count_for_those_allowed(app: &TestApp) {
    let staff = app.login("staff").await;
    let gridworker = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let mediator = app.login("mediator").await;
    let g1 = app.place_id("XF-C01-G1").await;
    let zhang = app.resident_id("张秀兰").await;
    let (status, body) = gridworker
        .post(
            "/api/v1/care/visits",
            json!({"resident_id": zhang, "method": "in_person",
                   "visited_at": rfc3339(time::OffsetDateTime::now_utc() - time::Duration::minutes(5)),
                   "observations": "身体还好"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let whole = "103.82,36.05,103.85,36.08";
    let (status, staff_view) = staff.get(&format!("/api/v1/map/care?bbox={whole}")).await;
    assert_eq!(status, StatusCode::OK, "{staff_view}");
    let text = staff_view.to_string();
    assert!(!text.contains("张秀兰"), "never a name");
    let micro_of_zhang = {
        let (_, r) = staff.get(&format!("/api/v1/residents/{zhang}")).await;
        let (_, path) = staff
            .get(&format!("/api/v1/places/{}", r["household_id"]))
            .await;
        path["path"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["kind"] == "micro_grid")
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let count_at = |v: &serde_json::Value, layer: &str, place: i64| {
        v[layer]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["place_id"] == place)
            .map(|c| c["count"].as_u64().unwrap())
            .unwrap_or(0)
    };
    assert_eq!(count_at(&staff_view, "visits", micro_of_zhang), 1);
    assert!(count_at(&staff_view, "special_households", micro_of_zhang) >= 1);
    let staff_total: u64 = staff_view["special_households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    // The grid worker of the first grid sees the first grid's micro-grids only.
    let (status, gw_view) = gridworker
        .get(&format!("/api/v1/map/care?bbox={whole}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, kids) = staff.get(&format!("/api/v1/places/{g1}/children")).await;
    let mine: Vec<i64> = kids
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_i64().unwrap())
        .chain([g1])
        .collect();
    for c in gw_view["special_households"].as_array().unwrap() {
        assert!(mine.contains(&c["place_id"].as_i64().unwrap()), "{c}");
    }
    let gw_total: u64 = gw_view["special_households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["count"].as_u64().unwrap())
        .sum();
    assert!(gw_total > 0 && gw_total < staff_total);
    // Residents and mediators are refused.
    for api in [&resident, &mediator] {
        assert_eq!(
            api.get(&format!("/api/v1/map/care?bbox={whole}")).await.0,
            StatusCode::FORBIDDEN
        );
    }
    // The panel: visits this month for the same readers; none for a resident.
    let (_, panel) = staff.get(&format!("/api/v1/map/grids/{g1}/summary")).await;
    assert_eq!(panel["visits_this_month"], 1);
    let (_, panel) = resident
        .get(&format!("/api/v1/map/grids/{g1}/summary"))
        .await;
    assert!(panel["visits_this_month"].is_null());
    assert!(panel["special_group_households"].is_null());
}
both!(care_layers_count_for_those_allowed);

/// A grid worker patrols their grid: starts, sends the track in batches, ends. Points are
/// checked; only the walker writes; the office and the grid's workers see the track.
async fn a_patrol_records_a_track_its_readers_see(app: &TestApp) {
    let gridworker = app.login("gridworker").await;
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let admin = app.login("admin").await;
    let g1 = app.place_id("XF-C01-G1").await;
    let g2 = app.place_id("XF-C01-G2").await;
    admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo", "roles": ["grid_worker"], "grid_ids": [g2]}),
        )
        .await;
    let gw2 = app.login("gw2").await;

    // Not in another's grid; not as a resident.
    assert_eq!(
        gridworker
            .post("/api/v1/map/patrols", json!({"grid_id": g2}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        resident
            .post("/api/v1/map/patrols", json!({"grid_id": g1}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, p) = gridworker
        .post("/api/v1/map/patrols", json!({"grid_id": g1}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let id = p["id"].as_i64().unwrap();
    assert_eq!(p["grid_name"], "第一网格");
    let now = time::OffsetDateTime::now_utc();
    let pt = |lon: f64, lat: f64, s: i64| json!({"lon": lon, "lat": lat, "at": rfc3339(now + time::Duration::seconds(s))});
    let path = format!("/api/v1/map/patrols/{id}/points");
    let (status, body) = gridworker
        .post(
            &path,
            json!({"points": [pt(103.8305, 36.0605, 0), pt(103.8307, 36.0610, 1)]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["points"].as_array().unwrap().len(), 2);
    // Refused: out of order, far away, before the last point, too many, someone else's.
    let (status, body) = gridworker
        .post(
            &path,
            json!({"points": [pt(103.8308, 36.0612, 3), pt(103.8309, 36.0613, 2)]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["errors"][0]["field"], "points/1/at");
    let (_, body) = gridworker
        .post(&path, json!({"points": [pt(103.98, 36.0612, 4)]}))
        .await;
    assert_eq!(body["errors"][0]["field"], "points/0/lon");
    let (_, body) = gridworker
        .post(&path, json!({"points": [pt(103.8308, 36.0612, -30)]}))
        .await;
    assert_eq!(
        body["errors"][0]["field"], "points/0/at",
        "before the last point sent"
    );
    let many: Vec<_> = (0..201)
        .map(|i| pt(103.8308, 36.0612, 2 + i / 100))
        .collect();
    let (_, body) = gridworker.post(&path, json!({"points": many})).await;
    assert_eq!(body["errors"][0]["field"], "points");
    assert_eq!(
        staff
            .post(&path, json!({"points": [pt(103.8308, 36.0612, 4)]}))
            .await
            .0,
        StatusCode::FORBIDDEN,
        "the office reads patrols, it does not walk them"
    );
    assert_eq!(
        gw2.post(&path, json!({"points": [pt(103.8308, 36.0612, 4)]}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, body) = gridworker
        .post(&path, json!({"points": [pt(103.8309, 36.0614, 2)]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Ending is versioned; nothing is added after the end.
    let end = format!("/api/v1/map/patrols/{id}/end");
    assert_eq!(
        gridworker.post(&end, json!({"version": 7})).await.0,
        StatusCode::CONFLICT
    );
    let (status, ended) = gridworker.post(&end, json!({"version": 1})).await;
    assert_eq!(status, StatusCode::OK, "{ended}");
    assert!(ended["ended_at"].is_string());
    assert_eq!(ended["version"], 2);
    assert_eq!(
        gridworker
            .post(&path, json!({"points": [pt(103.8309, 36.0615, 5)]}))
            .await
            .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Today's tracks: the walker, the office and the grid's workers; not another grid's
    // worker; residents refused.
    for api in [&gridworker, &staff, &admin] {
        let (status, list) = api.get("/api/v1/map/patrols").await;
        assert_eq!(status, StatusCode::OK);
        let mine = list
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .expect("the patrol is listed");
        assert_eq!(mine["points"].as_array().unwrap().len(), 3);
        assert_eq!(mine["worker_name"], "赵网格员");
    }
    let (_, list) = gw2.get("/api/v1/map/patrols").await;
    assert_eq!(list, json!([]));
    assert_eq!(
        resident.get("/api/v1/map/patrols").await.0,
        StatusCode::FORBIDDEN
    );
    // Another day has none; a bad day is refused.
    let (_, list) = staff.get("/api/v1/map/patrols?day=2020-01-01").await;
    assert_eq!(list, json!([]));
    assert_eq!(
        staff.get("/api/v1/map/patrols?day=yesterday").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert!(!app.audit("patrol.start").await.is_empty());
}
both!(a_patrol_records_a_track_its_readers_see);

/// A patrol walked without signal (issue 18): the phone's outbox sends the start, the points
/// and the end when the signal returns, the start with the time it began, so the points
/// measured before the sending follow it. Each write is sent with its idempotency key: a
/// start sent twice (its answer lost) is one patrol. A start more than a day old is refused.
async fn a_patrol_kept_offline_arrives_late_with_its_own_times(app: &TestApp) {
    let gridworker = app.login("gridworker").await;
    let g1 = app.place_id("XF-C01-G1").await;
    let now = time::OffsetDateTime::now_utc();
    let ago = |s: i64| rfc3339(now - time::Duration::seconds(s));
    let start = json!({"grid_id": g1, "started_at": ago(20 * 60)});
    let send_start = || async {
        gridworker
            .send(
                gridworker
                    .request(reqwest::Method::POST, "/api/v1/map/patrols")
                    .header("idempotency-key", "garage-patrol-start")
                    .json(&start),
            )
            .await
    };
    let (status, p) = send_start().await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let (again, same) = send_start().await;
    assert_eq!(again, StatusCode::CREATED);
    assert_eq!(
        same["id"], p["id"],
        "the repeated start is the first patrol"
    );
    let id = p["id"].as_i64().unwrap();
    let started = time::OffsetDateTime::parse(
        p["started_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    assert!(
        (started - (now - time::Duration::minutes(20))).abs() < time::Duration::seconds(1),
        "started when it began on the phone: {started}"
    );
    // The points walked in the garage, before anything reached the server.
    let pt = |lon: f64, lat: f64, s: i64| json!({"lon": lon, "lat": lat, "at": ago(s)});
    let (status, body) = gridworker
        .post(
            &format!("/api/v1/map/patrols/{id}/points"),
            json!({"points": [pt(103.8305, 36.0605, 19 * 60), pt(103.8307, 36.0610, 18 * 60)]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = gridworker
        .post(
            &format!("/api/v1/map/patrols/{id}/end"),
            json!({"version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["points"].as_array().unwrap().len(), 2);
    let (_, list) = gridworker.get("/api/v1/map/patrols").await;
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .filter(|x| x["id"] == id)
            .count(),
        1
    );

    // Too old, or ahead of the server's clock: refused, naming the field.
    for at in [
        ago(shared::map::PATROL_LATE_START_S + 60),
        rfc3339(now + time::Duration::hours(1)),
    ] {
        let (status, body) = gridworker
            .post(
                "/api/v1/map/patrols",
                json!({"grid_id": g1, "started_at": at}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["errors"][0]["field"], "started_at");
    }
}
both!(a_patrol_kept_offline_arrives_late_with_its_own_times);
