//! Bulk import and export: all-or-nothing with a row-by-row report.

use crate::both;
use crate::common::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn post_csv(api: &crate::common::Api, path: &str, csv: &str) -> (StatusCode, Value) {
    api.send(
        api.request(Method::POST, path)
            .header("content-type", "text/csv")
            .body(csv.to_string()),
    )
    .await
}

/// A roster as a committee keeps it in Excel: a title, a blank row, Chinese headings with a
/// serial number and remarks column, a phone typed as a number, groups by their Chinese words,
/// an empty row left in the middle.
fn roster_workbook(rows: &[[&str; 4]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .write_string(0, 0, "幸福社区第一网格居民花名册")
        .unwrap();
    for (c, h) in [
        "序号",
        "户号",
        "*姓名",
        "公民身份号码",
        "手机号",
        "特殊群体",
        "备注",
    ]
    .iter()
    .enumerate()
    {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    let mut at = 3;
    for (i, [household, name, id, groups]) in rows.iter().enumerate() {
        if i == 1 {
            at += 1; // a row left empty
        }
        sheet.write_number(at, 0, (i + 1) as f64).unwrap();
        sheet.write_string(at, 1, *household).unwrap();
        sheet.write_string(at, 2, *name).unwrap();
        sheet.write_string(at, 3, *id).unwrap();
        sheet
            .write_number(at, 4, 13_912_345_670.0 + i as f64)
            .unwrap();
        sheet.write_string(at, 5, *groups).unwrap();
        sheet.write_string(at, 6, "入户核实").unwrap();
        at += 1;
    }
    book.save_to_buffer().unwrap()
}

async fn post_xlsx(api: &crate::common::Api, bytes: Vec<u8>, dry_run: bool) -> (StatusCode, Value) {
    api.send(
        api.request(
            Method::POST,
            &format!("/api/v1/residents/import?dry_run={dry_run}"),
        )
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(bytes),
    )
    .await
}

async fn residents_import_from_an_excel_roster(app: &TestApp) {
    let admin = app.login("admin").await;
    let (_, before) = admin.get("/api/v1/residents?q=王桂英").await;
    // Row 7 in Excel names a household that does not exist and a group that is no group.
    let bad = roster_workbook(&[
        [
            "XF-C01-B0005-101",
            "王桂英",
            "620102194003150023",
            "独居、高龄",
        ],
        ["XF-C01-B0005-102", "李德明", "620102193807010048", "空巢"],
        ["XF-NOPE", "赵", "", "孤寡"],
    ]);
    let (status, report) = post_xlsx(&admin, bad, false).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["committed"], false, "{report}");
    assert_eq!(report["accepted"], 2);
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1, "{report}");
    assert_eq!(
        rejected[0]["row"], 7,
        "the row number Excel shows: {report}"
    );
    let fields: Vec<&str> = rejected[0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["household_code", "special_groups"], "{report}");
    let (_, after) = admin.get("/api/v1/residents?q=王桂英").await;
    assert_eq!(after, before, "nothing written while a row is rejected");

    let good = roster_workbook(&[
        [
            "XF-C01-B0005-101",
            "王桂英",
            "620102194003150023",
            "独居、高龄",
        ],
        ["xf-c01-b0005-102", "李德明", "620102193807010048", "空巢"],
    ]);
    let (_, report) = post_xlsx(&admin, good.clone(), true).await;
    assert_eq!(
        (report["accepted"].as_u64(), report["committed"].as_bool()),
        (Some(2), Some(false)),
        "a dry run checks only: {report}"
    );
    let (_, report) = post_xlsx(&admin, good.clone(), false).await;
    assert_eq!(report["committed"], true, "{report}");
    assert_eq!(report["accepted"], 2);
    let res = admin
        .request(Method::GET, "/api/v1/residents/export")
        .send()
        .await
        .unwrap();
    let text = res.text().await.unwrap();
    assert!(
        text.contains(
            "XF-C01-B0005-101,王桂英,620102194003150023,13912345670,elderly;living_alone"
        ),
        "the phone typed as a number reads as its digits; groups from Chinese words"
    );
    assert!(text.contains("XF-C01-B0005-102,李德明,620102193807010048,13912345671,empty_nest"));
    let (_, again) = post_xlsx(&admin, good, false).await;
    assert_eq!(again["committed"], false, "the same people twice: {again}");
    assert_eq!(again["rejected"][0]["errors"][0]["field"], "id_number");

    // Not a workbook, or a workbook with no roster in it: 422, named.
    let (status, problem) = post_xlsx(&admin, b"PK\x03\x04 not really".to_vec(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "body");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().write_string(0, 0, "会议纪要").unwrap();
    let (status, problem) = post_xlsx(&admin, book.save_to_buffer().unwrap(), false).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "header");
    // Someone without the bulk-data permission may not import.
    let staff = app.login("gridworker").await;
    let (status, _) = post_xlsx(&staff, roster_workbook(&[]), true).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.audit("residents.import").await.len(), 1);
}
both!(residents_import_from_an_excel_roster);

async fn hierarchy_round_trips_as_geojson(app: &TestApp) {
    let admin = app.login("admin").await;
    let (status, doc) = admin.get("/api/v1/places/export").await;
    assert_eq!(status, StatusCode::OK);
    let features = doc["features"].as_array().unwrap();
    assert_eq!(
        features.len(),
        224,
        "street, community, 4 grids, 8 micro-grids, 30 buildings, 180 households"
    );
    assert_eq!(features[0]["properties"]["kind"], "street");
    let grid = features
        .iter()
        .find(|f| f["properties"]["code"] == "XF-C01-G1")
        .unwrap();
    assert_eq!(grid["properties"]["parent_code"], "XF-C01");
    assert_eq!(grid["geometry"]["type"], "Polygon");

    // Re-importing the export changes nothing but is accepted row by row.
    let (status, report) = admin
        .post("/api/v1/places/import?dry_run=true", doc.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["accepted"], 224);
    assert_eq!(report["rejected"], json!([]));
    assert_eq!(report["committed"], false);

    // One bad feature among good ones: the report names it, nothing is written.
    let new_building = |code: &str, parent: &str| json!({"type": "Feature", "geometry": null, "properties": {"kind": "building", "code": code, "name": "新楼", "parent_code": parent}});
    let batch = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": null, "properties": {"kind": "micro_grid", "code": "XF-C01-G1-M9", "name": "9微网格", "parent_code": "XF-C01-G1"}},
        new_building("NEW-B1", "XF-C01-G1-M9"),
        new_building("NEW-B2", "NO-SUCH-PARENT"),
    ]});
    let (_, report) = admin.post("/api/v1/places/import", batch.clone()).await;
    assert_eq!(report["committed"], false);
    assert_eq!(report["accepted"], 2);
    assert_eq!(report["rejected"][0]["row"], 3);
    assert_eq!(report["rejected"][0]["errors"][0]["field"], "parent_code");
    assert_eq!(
        admin.get("/api/v1/search?q=NEW-B1").await.1["places"],
        json!([]),
        "nothing half-imported"
    );

    let mut fixed = batch;
    fixed["features"].as_array_mut().unwrap().pop();
    let (_, report) = admin.post("/api/v1/places/import", fixed).await;
    assert_eq!(report["committed"], true);
    let (_, found) = admin.get("/api/v1/search?q=NEW-B1").await;
    assert_eq!(
        found["places"][0]["location"],
        "幸福街道 / 幸福社区 / 第一网格 / 9微网格 / 新楼"
    );
}
both!(hierarchy_round_trips_as_geojson);

async fn residents_import_all_or_nothing_and_export_is_audited(app: &TestApp) {
    let admin = app.login("admin").await;
    let csv_bad = "household_code,name,id_number,phone,special_groups\n\
        XF-C01-B0005-101,甲,11010519491231002X,13812345678,elderly;living_alone\n\
        XF-C01-B0005-101,乙,110105194912310021,,\n\
        NOPE,丙,,,\n\
        XF-C01-B0005-102,丁,,,flying\n";
    let (status, report) = post_csv(&admin, "/api/v1/residents/import", csv_bad).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["committed"], false);
    assert_eq!(report["accepted"], 1);
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["row"].as_u64().unwrap(),
                r["errors"][0]["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [
            (2, "id_number".to_string()),
            (3, "household_code".to_string()),
            (4, "special_groups".to_string())
        ]
    );
    assert_eq!(
        admin.get("/api/v1/residents?q=%E7%94%B2").await.1["total"],
        0,
        "nothing half-imported"
    );

    let csv_good = "\u{feff}household_code,name,id_number,phone,special_groups\n\
        XF-C01-B0005-101,甲,11010519491231002X,13812345678,elderly;living_alone\n\
        xf-c01-b0005-102,乙,,021-62345678,\n";
    let (_, report) = post_csv(&admin, "/api/v1/residents/import", csv_good).await;
    assert_eq!(report["committed"], true, "{report}");
    assert_eq!(report["accepted"], 2);

    let res = admin
        .request(Method::GET, "/api/v1/residents/export")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = res.text().await.unwrap();
    assert!(
        text.starts_with("\u{feff}household_code,name,id_number,phone,special_groups\n"),
        "with a BOM for spreadsheets"
    );
    assert!(
        text.contains("XF-C01-B0005-101,甲,11010519491231002X,13812345678,elderly;living_alone"),
        "full values in the export"
    );
    // 363 generated residents and 刘建华, the demo resident account's own record.
    assert_eq!(text.lines().count(), 1 + 364 + 2);
    assert_eq!(app.audit("residents.export").await.len(), 1);
    assert_eq!(app.audit("residents.import").await.len(), 1);

    let (status, _) = admin
        .post("/api/v1/residents/import", json!({"rows": []}))
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "CSV only");
}
both!(residents_import_all_or_nothing_and_export_is_audited);
