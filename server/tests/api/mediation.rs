//! Mediation: the air-conditioner case from intake to a followed-up agreement, and the
//! confidentiality of session records, reader by reader.

use crate::both;
use crate::common::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;

const APPLICANT_SECRET: &str = "其实她最在意的是滴水打湿了晾晒的被子";
const RESPONDENT_SHARED: &str = "愿意把外机移到北墙，希望对方别再去物业投诉";
const RESPONDENT_PRIVATE: &str = "移机费用其实负担得起";

struct Dispute {
    id: i64,
    applicant: i64,
    respondent: i64,
    applicant_api: Api,
    respondent_api: Api,
}

async fn user(app: &TestApp, admin: &Api, username: &str, name: &str, role: &str) -> i64 {
    let (status, u) = admin
        .post(
            "/api/v1/users",
            json!({"username": username, "display_name": name, "password": "linju-demo", "roles": [role]}),
        )
        .await;
    if status == StatusCode::UNPROCESSABLE_ENTITY && u["errors"][0]["code"] == "duplicate" {
        // The same people in a second dispute.
        return app.user_id(username).await;
    }
    assert_eq!(status, StatusCode::CREATED, "{u}");
    u["id"].as_i64().unwrap()
}

/// Staff open the file on 王阿姨's application against 李先生, whose new air-conditioner unit
/// drips into her yard; the demo mediator takes it.
async fn open_dispute(app: &TestApp) -> Dispute {
    let admin = app.login("admin").await;
    let wang = user(app, &admin, "wangayi", "王阿姨", "resident").await;
    let li = user(app, &admin, "lixiansheng", "李先生", "resident").await;
    let mediator = app.user_id("mediator").await;
    let staff = app.login("staff").await;
    let building = app.place_id("XF-C01-B0001").await;
    let (status, f) = staff
        .post(
            "/api/v1/mediation/files",
            json!({"title": "空调外机滴水纠纷", "description": "李先生新装的空调外机悬在王阿姨院子上方，噪音大、滴水。",
                "dispute_type": "neighbour", "origin": "application", "place_id": building,
                "parties": [
                    {"side": "applicant", "name": "王阿姨", "phone": "13812345678", "user_id": wang,
                     "id_number": "310104195603120025", "address": "幸福社区1栋101室"},
                    {"side": "respondent", "name": "李先生", "phone": "13987654321", "user_id": li,
                     "id_number": "310104198107150034", "address": "幸福社区1栋201室"}],
                "mediator_ids": [mediator]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    assert_eq!(f["summary"]["stage"], "intake");
    assert_eq!(f["parties"][0]["phone"], "138****5678", "contacts masked");
    assert_eq!(
        f["parties"][0]["id_number"], "310***********0025",
        "identity numbers masked"
    );
    Dispute {
        id: f["summary"]["id"].as_i64().unwrap(),
        applicant: f["parties"][0]["id"].as_i64().unwrap(),
        respondent: f["parties"][1]["id"].as_i64().unwrap(),
        applicant_api: app.login("wangayi").await,
        respondent_api: app.login("lixiansheng").await,
    }
}

async fn file(api: &Api, id: i64) -> Value {
    let (status, f) = api.get(&format!("/api/v1/mediation/files/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{f}");
    f
}

async fn ok(r: (StatusCode, Value)) -> Value {
    assert_eq!(r.0, StatusCode::OK, "{}", r.1);
    r.1
}

async fn mv(api: &Api, id: i64, action: &str, note: Option<&str>) -> (StatusCode, Value) {
    let (_, f) = api.get(&format!("/api/v1/mediation/files/{id}")).await;
    api.post(
        &format!("/api/v1/mediation/files/{id}/moves"),
        json!({"action": action, "version": f["summary"]["version"], "note": note}),
    )
    .await
}

/// The text of a PDF's text runs as our writer sets them (`<hex UCS-2> Tj`), joined.
fn pdf_runs(pdf: &[u8]) -> String {
    let text = String::from_utf8_lossy(pdf);
    let mut out = String::new();
    for part in text.split('<').skip(1) {
        let Some((hex, rest)) = part.split_once('>') else {
            continue;
        };
        if !rest.trim_start().starts_with("Tj") || hex.len() % 4 != 0 {
            continue;
        }
        let units: Vec<u16> = (0..hex.len())
            .step_by(4)
            .filter_map(|i| u16::from_str_radix(&hex[i..i + 4], 16).ok())
            .collect();
        out.push_str(&String::from_utf16_lossy(&units));
    }
    out
}

/// The PDF's text as poppler's `pdftotext` reads it (through the /ToUnicode map, as a reader
/// copying text would), without spaces and line breaks; `None` when poppler-utils is absent.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("linju-pdf-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join("a.pdf");
    std::fs::write(&file, pdf).ok()?;
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Ok(o) if o.status.success() => Some(
            String::from_utf8_lossy(&o.stdout)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect(),
        ),
        Ok(o) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&o.stderr)),
        Err(_) => {
            println!(
                "note: pdftotext (poppler-utils) not installed; the PDF is checked by its text runs only"
            );
            None
        }
    }
}

/// The PDF's text as `pdftotext` lays it out, spaces kept (to see stray ones).
fn pdftotext_raw(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("linju-pdf-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join("a.pdf");
    std::fs::write(&file, pdf).ok()?;
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
        .ok()?;
    let _ = std::fs::remove_dir_all(&dir);
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

async fn get_bytes(api: &Api, path: &str) -> (StatusCode, String, Vec<u8>) {
    let res = api
        .request(reqwest::Method::GET, path)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, ctype, res.bytes().await.unwrap().to_vec())
}

/// The mediation live stream, open: changes committed from now on reach it (see
/// `Api::open_live`).
async fn open_live(api: &Api) -> crate::common::LiveStream {
    api.open_live("/api/v1/mediation/live", None).await
}

/// `event: file` events from the mediation live stream (see `Api::live_events`).
async fn live_events(api: &Api, last_id: Option<i64>, want: usize, limit: Duration) -> Vec<Value> {
    api.live_events("/api/v1/mediation/live", "file", last_id, want, limit)
        .await
}

/// Through consent, a joint session, the switch to back-to-back, the agreement, performance
/// and a follow-up, to closing.
async fn the_air_conditioner_case(app: &TestApp) {
    let d = open_dispute(app).await;
    let m = app.login("mediator").await;
    let id = d.id;

    // Accepting needs both consents.
    let (status, p) = mv(&m, id, "accept", None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["code"], "illegal_move");
    assert_eq!(
        p["messages"]["zh-CN"], "须各方当事人同意调解后才能受理。",
        "the refusal says why"
    );
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
        ok(m.post(
            &format!("/api/v1/mediation/parties/{party}/notice"),
            json!(null),
        )
        .await)
        .await;
    }
    let f = ok(mv(&m, id, "accept", None).await).await;
    assert_eq!(f["summary"]["stage"], "accepted");
    assert!(
        f["summary"]["deadline"].is_string(),
        "one month from acceptance"
    );

    // Site check and the local police officer invited with both parties' consent.
    ok(m.post(
        &format!("/api/v1/mediation/files/{id}/records"),
        json!({"kind": "site_check", "text": "外机位于王阿姨院子正上方，冷凝水滴落在晾衣处。"}),
    )
    .await)
    .await;
    let (status, _) = m
        .post(
            &format!("/api/v1/mediation/files/{id}/records"),
            json!({"kind": "invitation", "text": "邀请管段民警张警官参加调解"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "participants need the parties' consent"
    );
    ok(m.post(&format!("/api/v1/mediation/files/{id}/records"),
        json!({"kind": "invitation", "text": "邀请管段民警张警官参加调解", "parties_consented": true})).await).await;

    // A joint session; tempers run high; back-to-back with each side.
    let f = ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "joint", "held_at": "2026-11-20T02:00:00Z", "venue": "小马扎议事会",
        "entries": [
            {"party_id": d.applicant, "statement": "外机太吵，还滴水", "position": "必须拆走", "shareable": true},
            {"party_id": d.respondent, "statement": "我家只有那里能装", "position": "不拆", "shareable": true}]})).await).await;
    assert_eq!(
        f["summary"]["stage"], "in_session",
        "the first session starts the sessions stage"
    );
    // The history keeps facts, not sentences: which party consented and was told of their
    // rights, the record's kind, the session's mode (the app words them in the reader's
    // language; the server writes no Chinese into them).
    let entries = |action: &str| -> Vec<Value> {
        f["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action)
            .cloned()
            .collect()
    };
    let consents = entries("consent");
    assert_eq!(consents.len(), 2, "{}", f["history"]);
    assert_eq!(consents[0]["detail"], json!({"parties": ["王阿姨"]}));
    assert_eq!(consents[1]["detail"], json!({"parties": ["李先生"]}));
    assert!(consents.iter().all(|e| e["note"].is_null()), "{consents:?}");
    assert_eq!(
        entries("notice")[0]["detail"],
        json!({"parties": ["王阿姨"]})
    );
    let records = entries("record");
    assert_eq!(records[0]["detail"], json!({"record_kind": "site_check"}));
    assert_eq!(records[1]["detail"], json!({"record_kind": "invitation"}));
    assert!(records.iter().all(|e| e["note"].is_null()), "{records:?}");
    assert_eq!(
        entries("session")[0]["detail"],
        json!({"session_mode": "joint"})
    );
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.applicant, "held_at": "2026-11-20T03:00:00Z", "venue": "调解室",
        "strategy_note": "双方情绪激动，改为背靠背",
        "entries": [{"party_id": d.applicant, "statement": "滴水最烦", "interests": APPLICANT_SECRET, "shareable": false}]})).await).await;
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.respondent, "held_at": "2026-11-20T03:30:00Z", "venue": "调解室",
        "entries": [
            {"party_id": d.respondent, "proposal": RESPONDENT_SHARED, "shareable": true},
        ]})).await).await;
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.respondent, "held_at": "2026-11-20T04:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.respondent, "interests": RESPONDENT_PRIVATE, "shareable": false}]})).await).await;
    // Back-to-back: only the party in the room speaks.
    let (status, _) = m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.respondent, "held_at": "2026-11-20T04:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.applicant, "statement": "x"}]})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The agreement: drafted, confirmed by both, performed, followed up.
    let (status, _) = mv(&m, id, "agree", None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no agreement drafted yet"
    );
    let version = file(&m, id).await["summary"]["version"].clone();
    let f = ok(m
        .put(
            &format!("/api/v1/mediation/files/{id}/agreement"),
            json!({
        "facts": "李先生空调外机滴水噪音影响王阿姨生活，每晚23:00后尤甚，双方均有和解意愿。",
        "terms": [{"text": "李先生将空调外机移至北墙并加装接水管", "due": "2026-12-10"}],
        "version": version}),
        )
        .await)
    .await;
    assert!(f["agreement"]["terms"][0]["id"].is_i64());
    ok(mv(&m, id, "agree", None).await).await;
    ok(m.post(
        &format!("/api/v1/mediation/parties/{}/confirm", d.applicant),
        json!({"method": "signature"}),
    )
    .await)
    .await;
    let (status, _) = mv(&m, id, "perform", None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the respondent has not confirmed"
    );
    ok(m.post(
        &format!("/api/v1/mediation/parties/{}/confirm", d.respondent),
        json!({"method": "thumbprint"}),
    )
    .await)
    .await;
    let f = ok(mv(&m, id, "perform", None).await).await;
    assert!(
        f["agreement"]["judicial_confirmation_until"].is_string(),
        "Art. 33 reminder date"
    );
    let (status, html) = {
        let res = d
            .applicant_api
            .request(
                reqwest::Method::GET,
                &format!("/api/v1/mediation/files/{id}/agreement.html"),
            )
            .send()
            .await
            .unwrap();
        (res.status(), res.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("人民调解协议书")
            && html.contains("李先生将空调外机移至北墙")
            && html.contains("三十日内共同向人民法院申请司法确认")
    );
    // The same agreement as a PDF made on the server, for the same readers.
    let (status, ctype, pdf) = get_bytes(
        &d.applicant_api,
        &format!("/api/v1/mediation/files/{id}/agreement.pdf"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/pdf");
    if let Some(out) = std::env::var_os("LINJU_PDF_OUT") {
        // To look at it: pdftoppm -png -r 60 "$LINJU_PDF_OUT" page
        std::fs::write(out, &pdf).unwrap();
    }
    assert!(pdf.starts_with(b"%PDF-1.4") && pdf.ends_with(b"%%EOF\n"));
    assert!(
        String::from_utf8_lossy(&pdf).contains("/BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"),
        "the standard Chinese font, not embedded"
    );
    assert!(pdf.len() < 40_000, "no embedded font: {} bytes", pdf.len());
    let runs: String = pdf_runs(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let extracted = pdftotext(&pdf);
    for text in [Some(runs), extracted].into_iter().flatten() {
        for want in [
            "人民调解协议书",
            "申请人：王阿姨",
            "被申请人：李先生",
            "李先生将空调外机移至北墙并加装接水管",
            "履行期限：2026年12月10日",
            "三十日内共同向人民法院申请司法确认",
            "（已按手印）",
            "陈调解员",
            // What a 人民调解协议书 carries: each party's identity number and address, and
            // the committee's name (the community's people's mediation committee).
            "申请人：王阿姨，身份证件号码：310104195603120025，住址：幸福社区1栋101室",
            "被申请人：李先生，身份证件号码：310104198107150034，住址：幸福社区1栋201室",
            "幸福社区人民调解委员会",
            "幸福社区人民调解委员会（印章）",
        ] {
            assert!(text.contains(want), "{want} in the PDF text: {text}");
        }
    }
    // Numbers and times read whole, with no stray space inside ("调2026- 00001", "23: 00"):
    // the font declares its proportional Latin glyphs' own widths (a hyphen 375, a colon 238,
    // digits 462 thousandths), not a flat half em that left a gap after narrow glyphs.
    let raw_pdf = String::from_utf8_lossy(&pdf);
    assert!(
        raw_pdf
            .contains("/W [1 [207 270 342 467 462 797 710 239 374 374 423 605 238 375 238 334 462"),
        "the font's own Latin widths"
    );
    let number = f["summary"]["number"].as_str().unwrap();
    let compact: String = pdf_runs(&pdf)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(compact.contains(&format!("编号：{number}")), "{compact}");
    if let Some(raw) = pdftotext_raw(&pdf) {
        assert!(
            raw.contains(&format!("编号：{number}")),
            "{number} whole in: {raw}"
        );
        assert!(raw.contains("每晚23:00后"), "23:00 whole in: {raw}");
        assert!(raw.contains("履行期限：2026"), "{raw}");
    }
    // Who gets the PDF: those who may see the file, and no one else.
    let admin = app.login("admin").await;
    user(app, &admin, "mediator2", "另一调解员", "mediator").await;
    for (who, api, want) in [
        ("the other party", d.respondent_api.clone(), StatusCode::OK),
        ("staff", app.login("staff").await, StatusCode::OK),
        ("admin", admin.clone(), StatusCode::OK),
        ("the file's mediator", m.clone(), StatusCode::OK),
        (
            "an unrelated resident",
            app.login("resident").await,
            StatusCode::NOT_FOUND,
        ),
        (
            "a mediator not on the file",
            app.login("mediator2").await,
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, _, body) =
            get_bytes(&api, &format!("/api/v1/mediation/files/{id}/agreement.pdf")).await;
        assert_eq!(status, want, "{who}");
        assert_eq!(body.starts_with(b"%PDF"), want == StatusCode::OK, "{who}");
        assert!(!String::from_utf8_lossy(&body).contains(APPLICANT_SECRET));
    }
    // Every copy taken by someone other than a party is on record: staff, admin, mediator.
    let taken = app.audit("mediation.agreement.pdf").await;
    assert_eq!(taken.len(), 3, "{taken:?}");
    assert!(taken.iter().all(|e| e.entity_id == Some(id)));
    let (status, _) = mv(&m, id, "close", None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "terms not performed, no follow-up"
    );
    let term = f["agreement"]["terms"][0]["id"].as_i64().unwrap();
    ok(m.post(
        &format!("/api/v1/mediation/terms/{term}/performed"),
        json!({"proof": "现场查看：外机已移至北墙，接水管已装"}),
    )
    .await)
    .await;
    ok(m.post(
        &format!("/api/v1/mediation/files/{id}/records"),
        json!({"kind": "follow_up", "text": "回访王阿姨：不再滴水，满意。"}),
    )
    .await)
    .await;
    let f = ok(mv(&m, id, "close", None).await).await;
    assert_eq!(f["summary"]["stage"], "closed");
    let actions: Vec<&str> = f["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "intake",
        "consent",
        "notice",
        "accept",
        "session",
        "agreement_drafted",
        "agree",
        "confirmed",
        "perform",
        "performed",
        "close",
    ] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    // The whole file exports in order.
    let res = m
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/mediation/files/{id}/dossier.html"),
        )
        .send()
        .await
        .unwrap();
    let dossier = res.text().await.unwrap();
    let order = [
        "一、受理",
        "二、当事人",
        "三、核实与记录",
        "四、调解笔录",
        "五、调解协议",
        "六、办理经过",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|h| dossier.find(h).unwrap_or_else(|| panic!("{h}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in order");
    assert!(
        dossier.contains(APPLICANT_SECRET),
        "the mediator's file is complete"
    );
}
both!(the_air_conditioner_case);

/// Every reader of the file, and of its printouts, sees only what they may.
/// What a party says face to face (a joint session) the other side heard in the room: unless
/// the mediator records otherwise it is shared; in a back-to-back session it stays with the
/// mediator unless the party allows it (`shareable` left out: the mode's default).
async fn joint_session_words_are_shared_by_default(app: &TestApp) {
    let d = open_dispute(app).await;
    let m = app.login("mediator").await;
    let id = d.id;
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
        ok(m.post(
            &format!("/api/v1/mediation/parties/{party}/notice"),
            json!({}),
        )
        .await)
        .await;
    }
    ok(mv(&m, id, "accept", None).await).await;
    ok(m.post(
        &format!("/api/v1/mediation/files/{id}/sessions"),
        json!({
        "mode": "joint", "held_at": "2026-11-20T03:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.applicant, "statement": "阳台天天被滴湿"}]}),
    )
    .await)
    .await;
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.applicant, "held_at": "2026-11-20T04:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.applicant, "statement": "其实我也想早点了结"}]})).await).await;
    let seen = file(&d.respondent_api, id).await.to_string();
    assert!(seen.contains("阳台天天被滴湿"), "said face to face: {seen}");
    assert!(
        !seen.contains("其实我也想早点了结"),
        "said to the mediator alone: {seen}"
    );
    let entries: Vec<Value> = file(&m, id).await["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["entries"].as_array().unwrap().clone())
        .collect();
    let shared: Vec<(&str, bool)> = entries
        .iter()
        .map(|e| {
            (
                e["statement"].as_str().unwrap(),
                e["shareable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert!(shared.contains(&("阳台天天被滴湿", true)), "{shared:?}");
    assert!(
        shared.contains(&("其实我也想早点了结", false)),
        "{shared:?}"
    );
}
both!(joint_session_words_are_shared_by_default);

async fn session_records_are_confidential(app: &TestApp) {
    let d = open_dispute(app).await;
    let m = app.login("mediator").await;
    let id = d.id;
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
    }
    ok(mv(&m, id, "accept", None).await).await;
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.applicant, "held_at": "2026-11-20T03:00:00Z", "venue": "调解室",
        "strategy_note": "双方情绪激动，改为背靠背",
        "entries": [{"party_id": d.applicant, "interests": APPLICANT_SECRET}]})).await).await;
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.respondent, "held_at": "2026-11-20T04:00:00Z", "venue": "调解室",
        "entries": [
            {"party_id": d.respondent, "proposal": RESPONDENT_SHARED, "shareable": true}]})).await).await;
    ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.respondent, "held_at": "2026-11-20T05:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.respondent, "interests": RESPONDENT_PRIVATE}]})).await).await;

    // The three back-to-back sessions in order: the applicant's (secret, strategy note), the
    // respondent's shared proposal, the respondent's private note.
    let session_ids: Vec<i64> = file(&m, id).await["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(session_ids.len(), 3);
    // A site check with a photo: seen with the records, by those who see them.
    let f = ok(m
        .post(
            &format!("/api/v1/mediation/files/{id}/records"),
            json!({"kind": "site_check", "text": "外机位于院子正上方"}),
        )
        .await)
    .await;
    let (status, photo) = upload_record_photo(
        &m,
        f["records"][0]["id"].as_i64().unwrap(),
        "image/png",
        crate::cases::png(40, 30),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let photo_url = photo["url"].as_str().unwrap().to_string();

    let admin = app.login("admin").await;
    user(app, &admin, "mediator2", "另一调解员", "mediator").await;
    let readers: Vec<(&str, Api)> = vec![
        ("mediator", m.clone()),
        ("applicant", d.applicant_api.clone()),
        ("respondent", d.respondent_api.clone()),
        ("unrelated resident", app.login("resident").await),
        ("other mediator", app.login("mediator2").await),
        ("staff", app.login("staff").await),
        ("admin", admin),
        ("grid worker", app.login("gridworker").await),
    ];
    // (status, sees applicant's secret, sees respondent's shared proposal, sees respondent's
    //  private note, sees the strategy note, sessions listed)
    let expect: [(u16, bool, bool, bool, bool, usize); 8] = [
        (200, true, true, true, true, 3),
        (200, true, true, false, false, 2),
        (200, false, true, true, false, 2),
        (404, false, false, false, false, 0),
        (404, false, false, false, false, 0),
        (200, false, false, false, false, 3),
        (200, false, false, false, false, 3),
        (200, false, false, false, false, 3),
    ];
    for ((who, api), (status, secret, shared, private, strategy, sessions)) in
        readers.iter().zip(expect)
    {
        for path in [
            format!("/api/v1/mediation/files/{id}"),
            format!("/api/v1/mediation/files/{id}/dossier.html"),
        ] {
            let res = api
                .request(reqwest::Method::GET, &path)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), status, "{who} {path}");
            let body = res.text().await.unwrap();
            assert_eq!(
                body.contains(APPLICANT_SECRET),
                secret,
                "{who} {path}: applicant's back-to-back note"
            );
            assert_eq!(
                body.contains(RESPONDENT_SHARED),
                shared,
                "{who} {path}: shared proposal"
            );
            assert_eq!(
                body.contains(RESPONDENT_PRIVATE),
                private,
                "{who} {path}: respondent's private note"
            );
            assert_eq!(
                body.contains("改为背靠背"),
                strategy,
                "{who} {path}: strategy note"
            );
            if path.ends_with(&id.to_string()) && status == 200 {
                let v: Value = serde_json::from_str(&body).unwrap();
                assert_eq!(
                    v["sessions"].as_array().unwrap().len(),
                    sessions,
                    "{who}: sessions listed"
                );
            }
        }
        // Each session's printable record (调解笔录): the session as this reader may see it,
        // or nothing when the reader may not know of it.
        let (may_see_a, may_see_b, may_see_c) = match *who {
            "mediator" | "staff" | "admin" | "grid worker" => (true, true, true),
            "applicant" => (true, true, false),
            "respondent" => (false, true, true),
            _ => (false, false, false),
        };
        for (sid, visible) in session_ids.iter().zip([may_see_a, may_see_b, may_see_c]) {
            let path = format!("/api/v1/mediation/sessions/{sid}/record.html");
            let (st, _, body) = get_bytes(api, &path).await;
            let body = String::from_utf8(body).unwrap();
            assert_eq!(st == StatusCode::OK, visible, "{who} {path}: {st}");
            if !visible {
                assert!(!body.contains("调解室"), "{who} {path}: nothing of it");
                continue;
            }
            assert!(body.contains("人民调解笔录") && body.contains("调解员（签名）"));
            assert!(
                !body.contains(APPLICANT_SECRET) || secret,
                "{who} {path}: applicant's back-to-back note"
            );
            assert!(!body.contains(RESPONDENT_SHARED) || shared, "{who} {path}");
            assert!(
                !body.contains(RESPONDENT_PRIVATE) || private,
                "{who} {path}"
            );
            assert!(!body.contains("改为背靠背") || strategy, "{who} {path}");
        }
        // The mediator's copy of the applicant's session: everything, and one signature line
        // for the one party present.
        if *who == "mediator" {
            let (_, _, body) = get_bytes(
                api,
                &format!("/api/v1/mediation/sessions/{}/record.html", session_ids[0]),
            )
            .await;
            let body = String::from_utf8(body).unwrap();
            assert!(body.contains(APPLICANT_SECRET) && body.contains("改为背靠背"));
            assert_eq!(body.matches("data-sign=\"party\"").count(), 1);
            assert!(body.contains("王阿姨（签名）") && !body.contains("李先生（签名）"));
        }
        if *who == "respondent" {
            let (_, _, body) = get_bytes(
                api,
                &format!("/api/v1/mediation/sessions/{}/record.html", session_ids[2]),
            )
            .await;
            assert!(
                String::from_utf8(body)
                    .unwrap()
                    .contains(RESPONDENT_PRIVATE),
                "own words"
            );
        }
        // The list shows the file to exactly those who may open it.
        let (_, list) = api.get("/api/v1/mediation/files").await;
        let listed = list.as_array().unwrap().iter().any(|f| f["id"] == id);
        assert_eq!(listed, status == 200, "{who} list");
        // Contacts: masked for all, revealed (audited) to the mediator and the office.
        let (s, c) = api
            .get(&format!(
                "/api/v1/mediation/parties/{}/contact",
                d.applicant
            ))
            .await;
        let may = matches!(*who, "mediator" | "staff" | "admin" | "grid worker");
        assert_eq!(s.is_success(), may, "{who} contact: {c}");
        // Record photos: the same readers as the records; a party gets nothing.
        let (s, _, _) = get_bytes(api, &photo_url).await;
        assert_eq!(s.is_success(), may, "{who} record photo: {s}");
    }
    assert!(
        !app.audit("mediation.notes.read").await.is_empty(),
        "reads of notes are logged"
    );
    // A mediator's read of a session record is a read of the notes: logged.
    let before = app.audit("mediation.notes.read").await.len();
    let (st, _, _) = get_bytes(
        &m,
        &format!("/api/v1/mediation/sessions/{}/record.html", session_ids[0]),
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(app.audit("mediation.notes.read").await.len(), before + 1);
    let (st, _, _) = get_bytes(&m, "/api/v1/mediation/sessions/999999/record.html").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    assert!(!app.audit("mediation.party.reveal").await.is_empty());
    // Only the file's mediators record sessions.
    let staff = app.login("staff").await;
    let (status, _) = staff
        .post(
            &format!("/api/v1/mediation/files/{id}/sessions"),
            json!({
        "mode": "joint", "held_at": "2026-11-21T03:00:00Z", "venue": "调解室", "entries": []}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = d
        .respondent_api
        .post(
            &format!("/api/v1/mediation/files/{id}/moves"),
            json!({"action": "fail", "note": "x", "version": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "parties do not run the file");
}
both!(session_records_are_confidential);

/// A party's refusal ends the file (Art. 17); an extension needs every party; stale versions
/// are refused; a failed mediation names the other routes (Art. 26).
async fn refusal_extension_and_failure(app: &TestApp) {
    let d = open_dispute(app).await;
    let m = app.login("mediator").await;
    let (status, _) = m
        .put(
            &format!("/api/v1/mediation/parties/{}/consent", d.respondent),
            json!({"agreed": false}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refusal needs its reason"
    );
    let f = ok(m
        .put(
            &format!("/api/v1/mediation/parties/{}/consent", d.respondent),
            json!({"agreed": false, "note": "不愿调解，要求走诉讼"}),
        )
        .await)
    .await;
    assert_eq!(f["summary"]["stage"], "not_accepted");
    // The outcome and the history keep the facts (who refused) apart from the party's own
    // words: the app words the facts in the reader's language.
    assert_eq!(f["outcome_note"], "不愿调解，要求走诉讼");
    let refused = f["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(refused["action"], "refused");
    assert_eq!(
        refused["detail"],
        json!({"parties": ["李先生"]}),
        "{refused}"
    );
    assert_eq!(refused["note"], "不愿调解，要求走诉讼");
    assert!(f["legal_actions"].as_array().unwrap().is_empty());

    let d = open_dispute(app).await;
    let id = d.id;
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
    }
    let f = ok(mv(&m, id, "accept", None).await).await;
    let deadline = f["summary"]["deadline"].as_str().unwrap().to_string();
    let later = time::Date::parse(
        &deadline,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap()
        + time::Duration::days(15);
    let v = f["summary"]["version"].clone();
    let (status, p) = m.post(&format!("/api/v1/mediation/files/{id}/extension"), json!({"deadline": later.to_string(), "consenting_party_ids": [d.applicant], "version": v})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    let f = ok(m.post(&format!("/api/v1/mediation/files/{id}/extension"), json!({"deadline": later.to_string(), "consenting_party_ids": [d.applicant, d.respondent], "version": v})).await).await;
    assert_eq!(f["summary"]["deadline"], later.to_string());
    let (status, p) = m
        .post(
            &format!("/api/v1/mediation/files/{id}/moves"),
            json!({"action": "fail", "note": "x", "version": v}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "stale version");
    assert_eq!(p["current"]["summary"]["deadline"], later.to_string());
    let f = ok(mv(&m, id, "fail", Some("双方分歧过大")).await).await;
    assert_eq!(f["summary"]["stage"], "failed");
    assert_eq!(
        f["outcome_note"], "双方分歧过大",
        "the mediator's note as typed"
    );
    let failed = f["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(failed["action"], "fail");
    assert_eq!(failed["note"], "双方分歧过大");
    let extended = f["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "extend")
        .unwrap()
        .clone();
    assert_eq!(extended["detail"], json!({"deadline": later.to_string()}));
    assert!(extended["note"].is_null());
    // The dossier still says the parties were told of the other routes (Art. 26).
    let (status, _, html) =
        get_bytes(&m, &format!("/api/v1/mediation/files/{id}/dossier.html")).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    assert!(
        html.contains("双方分歧过大；已告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利"),
        "{html}"
    );
}
both!(refusal_extension_and_failure);

/// The office chooses mediators from a list and links a party's account by the username the
/// resident gives; an unknown username is refused at that party's field.
async fn mediators_listed_and_parties_linked_by_username(app: &TestApp) {
    let admin = app.login("admin").await;
    user(app, &admin, "wangayi", "王阿姨", "resident").await;
    let staff = app.login("staff").await;
    let mediator = app.user_id("mediator").await;
    let (status, list) = staff.get("/api/v1/mediation/mediators").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![mediator], "only users with the mediator role");
    let building = app.place_id("XF-C01-B0001").await;
    let body = |respondent_username: &str| {
        json!({"title": "空调外机滴水纠纷", "dispute_type": "neighbour", "origin": "application",
            "place_id": building, "mediator_ids": [mediator],
            "parties": [
                {"side": "applicant", "name": "王阿姨", "username": "wangayi"},
                {"side": "respondent", "name": "李先生", "username": respondent_username}]})
    };
    let (status, p) = staff
        .post("/api/v1/mediation/files", body("nobody-here"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "parties[1].username");
    let (status, f) = staff.post("/api/v1/mediation/files", body("")).await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    assert_eq!(f["parties"][0]["has_account"], true);
    assert_eq!(f["parties"][1]["has_account"], false);
    let id = f["summary"]["id"].as_i64().unwrap();
    let wang = app.login("wangayi").await;
    let v = file(&wang, id).await;
    assert_eq!(
        v["access"], "party",
        "the linked applicant follows her file"
    );
}
both!(mediators_listed_and_parties_linked_by_username);

/// A mediator who registers a dispute without naming anyone mediates it: the file is theirs
/// (it was refused with a 404 and nothing said why).
async fn a_mediator_who_opens_a_file_mediates_it(app: &TestApp) {
    let m = app.login("mediator").await;
    let me = app.user_id("mediator").await;
    let building = app.place_id("XF-C01-B0001").await;
    let (status, f) = m
        .post(
            "/api/v1/mediation/files",
            json!({"title": "楼道堆物纠纷", "dispute_type": "neighbour", "origin": "initiative",
                "place_id": building, "mediator_ids": [],
                "parties": [{"side": "applicant", "name": "王阿姨"}, {"side": "respondent", "name": "李先生"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{f}");
    assert_eq!(f["mediator_ids"], json!([me]), "{f}");
    assert_eq!(f["access"], "mediator");
}
both!(a_mediator_who_opens_a_file_mediates_it);

/// The office reassigns the mediators (Art. 19), recording whether the parties chose them;
/// the change is in the history and the audit log; a mediator cannot reassign, and the one
/// taken off the file no longer sees it.
async fn mediators_reassigned_by_the_office(app: &TestApp) {
    let d = open_dispute(app).await;
    let id = d.id;
    let admin = app.login("admin").await;
    let other = user(app, &admin, "mediator2", "另一调解员", "mediator").await;
    let m = app.login("mediator").await;
    let v = file(&m, id).await;
    assert_eq!(v["mediator_ids"], json!([app.user_id("mediator").await]));
    let version = v["summary"]["version"].clone();
    let body = json!({"user_ids": [other], "chosen_by_parties": true, "version": version});
    let (status, _) = m
        .put(
            &format!("/api/v1/mediation/files/{id}/mediators"),
            body.clone(),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a mediator does not reassign"
    );
    let (status, _) = d
        .applicant_api
        .put(
            &format!("/api/v1/mediation/files/{id}/mediators"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "nor does a party");
    let staff = app.login("staff").await;
    let (status, p) = staff
        .put(
            &format!("/api/v1/mediation/files/{id}/mediators"),
            json!({"user_ids": [], "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["errors"][0]["field"], "user_ids");
    // The same mediator twice is a mistake in the form, not a conflict with another edit.
    let (status, p) = staff
        .put(
            &format!("/api/v1/mediation/files/{id}/mediators"),
            json!({"user_ids": [other, other], "version": version}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "user_ids[1]");
    assert_eq!(p["errors"][0]["code"], "duplicate");
    let f = ok(staff
        .put(
            &format!("/api/v1/mediation/files/{id}/mediators"),
            body.clone(),
        )
        .await)
    .await;
    assert_eq!(f["mediator_ids"], json!([other]));
    assert_eq!(f["summary"]["mediator_names"], json!(["另一调解员"]));
    assert_eq!(f["chosen_by_parties"], true);
    let last = f["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["action"], "mediators");
    assert_eq!(
        last["detail"],
        json!({"mediators": ["另一调解员"], "chosen_by_parties": true})
    );
    assert!(last["note"].is_null());
    let audit = app.audit("mediation.mediators").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].entity_id, Some(id));
    let (status, _) = staff
        .put(&format!("/api/v1/mediation/files/{id}/mediators"), body)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "the version moved on");
    let (status, _) = m.get(&format!("/api/v1/mediation/files/{id}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "taken off the file");
    let m2 = app.login("mediator2").await;
    assert_eq!(file(&m2, id).await["access"], "mediator");
}
both!(mediators_reassigned_by_the_office);

/// Two boards: one client moves a file, another sees it on the live stream — id, version and
/// stage, no content; a resident who is no party sees nothing; a reconnecting client gets
/// what it missed; a change written by another process (straight into the history) arrives
/// through the poller.
async fn mediation_board_is_live(app: &TestApp) {
    let d = open_dispute(app).await;
    let id = d.id;
    let m = app.login("mediator").await;
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
    }
    let staff = app.login("staff").await;
    let watching = open_live(&staff).await;
    let party_watching = open_live(&d.respondent_api).await;
    let outsider = app.login("resident").await;
    let not_watching = open_live(&outsider).await;
    let admin = app.login("admin").await;
    user(app, &admin, "mediator2", "另一调解员", "mediator").await;
    let other_mediator = app.login("mediator2").await;
    let other_not_watching = open_live(&other_mediator).await;
    let moved = ok(mv(&m, id, "accept", None).await).await;

    let seen = watching.events("file", 1, Duration::from_secs(10)).await;
    assert_eq!(seen.len(), 1, "the other board got the move");
    assert_eq!(seen[0]["file_id"], id);
    assert_eq!(seen[0]["stage"], "accepted");
    assert_eq!(seen[0]["version"], moved["summary"]["version"]);
    let mut keys: Vec<&String> = seen[0].as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["file_id", "id", "stage", "version"], "nothing else");
    assert_eq!(
        party_watching
            .events("file", 1, Duration::from_secs(10))
            .await
            .len(),
        1,
        "a party follows their file"
    );
    assert!(
        not_watching
            .events("file", 1, Duration::from_millis(1500))
            .await
            .is_empty(),
        "no file one may not see"
    );
    assert!(
        other_not_watching
            .events("file", 1, Duration::from_millis(1500))
            .await
            .is_empty(),
        "nor a mediator not on the file"
    );

    // Away and back: what was missed since the last event seen. A party learns nothing of
    // the office's records from the stream, as the file's history does not show them either.
    let cursor = seen[0]["id"].as_i64().unwrap();
    let party_watching = open_live(&d.respondent_api).await;
    ok(m.post(
        &format!("/api/v1/mediation/files/{id}/records"),
        json!({"kind": "note", "text": "电话联系双方"}),
    )
    .await)
    .await;
    assert!(
        party_watching
            .events("file", 1, Duration::from_millis(1500))
            .await
            .is_empty(),
        "a party's stream says nothing of a record they may not read"
    );
    let missed = live_events(&staff, Some(cursor), 1, Duration::from_secs(5)).await;
    assert_eq!(missed.len(), 1);
    assert!(missed[0]["id"].as_i64().unwrap() > cursor);
    assert_eq!(missed[0]["stage"], "accepted");

    // Another process wrote: its history entry reaches this process's streams by the poller.
    let watching = open_live(&staff).await;
    {
        use sea_orm::{ActiveModelTrait, Set};
        use server::mediation::store::event;
        event::ActiveModel {
            file_id: Set(id),
            at: Set(time::OffsetDateTime::now_utc()),
            actor_id: Set(None),
            actor_name: Set("另一进程".into()),
            action: Set("note".into()),
            from_stage: Set(None),
            to_stage: Set(None),
            note: Set(None),
            ..Default::default()
        }
        .insert(&app.state.db.conn)
        .await
        .unwrap();
    }
    let seen = watching.events("file", 1, Duration::from_secs(10)).await;
    assert_eq!(seen.len(), 1, "the poller found the other process's change");
    assert_eq!(seen[0]["file_id"], id);
}
both!(mediation_board_is_live);

async fn upload_record_photo(
    api: &Api,
    record_id: i64,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let req = api
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/mediation/records/{record_id}/photos"),
        )
        .header("content-type", content_type)
        .body(body);
    api.send(req).await
}

/// Photos of site checks (现场核实) and follow-up visits: added by those who make records,
/// seen exactly by those who see the records (never by a party, nor by anyone who does not
/// see the file), checked per request by record, at most six, part of the printed file.
async fn record_photos_are_seen_as_their_records(app: &TestApp) {
    let d = open_dispute(app).await;
    let m = app.login("mediator").await;
    let id = d.id;
    ok(m.post(
        &format!("/api/v1/mediation/files/{id}/records"),
        json!({"kind": "site_check", "text": "外机位于王阿姨院子正上方，冷凝水滴落在晾衣处。"}),
    )
    .await)
    .await;
    let f = ok(m
        .post(
            &format!("/api/v1/mediation/files/{id}/records"),
            json!({"kind": "note", "text": "电话联系双方"}),
        )
        .await)
    .await;
    let site = &f["records"][0];
    assert_eq!(site["kind"], "site_check");
    assert_eq!(site["may_add_photo"], true, "the mediator makes records");
    assert_eq!(site["photos"], json!([]));
    assert_eq!(
        f["records"][1]["may_add_photo"], false,
        "a note takes no photos"
    );
    let record = site["id"].as_i64().unwrap();
    let note = f["records"][1]["id"].as_i64().unwrap();
    let version = f["summary"]["version"].as_i64().unwrap();

    // The mediator's photo, read back: an image, re-encoded as JPEG. Open boards hear of the
    // change (the office's), a party's does not (they do not see records).
    let staff = app.login("staff").await;
    let watching = open_live(&staff).await;
    let party_watching = open_live(&d.applicant_api).await;
    let (status, p) =
        upload_record_photo(&m, record, "image/png", crate::cases::png(800, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    let seen = watching.events("file", 1, Duration::from_secs(10)).await;
    assert_eq!(seen.len(), 1, "the office's board heard of the photo");
    assert_eq!(seen[0]["file_id"], id);
    assert!(seen[0]["version"].as_i64().unwrap() > version);
    assert!(
        party_watching
            .events("file", 1, Duration::from_millis(1500))
            .await
            .is_empty(),
        "a party's board does not"
    );
    assert_eq!(p["record_id"], record);
    assert_eq!(
        (p["width"].as_u64(), p["height"].as_u64()),
        (Some(800), Some(600))
    );
    let url = p["url"].as_str().unwrap().to_string();
    let thumb_url = p["thumb_url"].as_str().unwrap().to_string();
    let (status, ctype, bytes) = get_bytes(&m, &url).await;
    assert_eq!((status, ctype.as_str()), (StatusCode::OK, "image/jpeg"));
    let img = image::load_from_memory(&bytes).expect("an image");
    assert_eq!((img.width(), img.height()), (800, 600));
    let (status, _, bytes) = get_bytes(&m, &thumb_url).await;
    assert_eq!(status, StatusCode::OK);
    let t = image::load_from_memory(&bytes).unwrap();
    assert_eq!((t.width(), t.height()), (320, 240));
    // Opening it full size is logged; the thumbnail, shown with the record, is not.
    let read = app.audit("mediation.photo.read").await;
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].entity_id, p["id"].as_i64());
    // It is on the file, under its record; the file moved on (the boards are told).
    let f = file(&m, id).await;
    assert_eq!(f["records"][0]["photos"][0]["url"], url);
    assert!(f["summary"]["version"].as_i64().unwrap() > version);
    assert!(
        f["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "record_photo"
                && e["detail"] == json!({"record_kind": "site_check"})
                && e["note"].is_null())
    );

    // Wrong type, not an image, a note: refused.
    let (status, e) = upload_record_photo(&m, record, "text/plain", b"hello".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{e}");
    assert_eq!(e["code"], "unsupported_media_type");
    let (status, e) = upload_record_photo(&m, record, "image/gif", b"GIF89a".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{e}");
    let (status, e) =
        upload_record_photo(&m, record, "image/png", b"not a png at all".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["errors"][0]["field"], "photo", "{e}");
    let (status, e) = upload_record_photo(&m, note, "image/png", crate::cases::png(20, 20)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "illegal_move", "{e}");

    // Who sees and adds what. The grid's worker sees the file's records, and so their photos;
    // the parties, an unrelated resident, another mediator and another grid's worker do not.
    let admin = app.login("admin").await;
    user(app, &admin, "mediator2", "另一调解员", "mediator").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let (status, gw2) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo", "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{gw2}");
    let readers: Vec<(&str, Api, u16, u16)> = vec![
        // (who, client, status of list and serving, status of an upload)
        ("mediator", m.clone(), 200, 201),
        ("staff", app.login("staff").await, 200, 201),
        (
            "grid worker of the file's grid",
            app.login("gridworker").await,
            200,
            403,
        ),
        ("applicant", d.applicant_api.clone(), 404, 404),
        ("respondent", d.respondent_api.clone(), 404, 404),
        ("unrelated resident", app.login("resident").await, 404, 404),
        ("other mediator", app.login("mediator2").await, 404, 404),
        ("another grid's worker", app.login("gw2").await, 404, 404),
    ];
    for (who, api, see, add) in &readers {
        let (status, body) = api
            .get(&format!("/api/v1/mediation/records/{record}/photos"))
            .await;
        assert_eq!(status.as_u16(), *see, "{who}: list {body}");
        for u in [&url, &thumb_url] {
            let (status, ctype, bytes) = get_bytes(api, u).await;
            assert_eq!(status.as_u16(), *see, "{who}: {u}");
            if *see == 200 {
                assert_eq!(ctype, "image/jpeg");
                assert!(image::load_from_memory(&bytes).is_ok(), "{who}: an image");
            } else {
                assert!(
                    ctype.starts_with("application/problem+json"),
                    "{who}: {ctype}"
                );
            }
        }
        let (status, body) =
            upload_record_photo(api, record, "image/png", crate::cases::png(30, 30)).await;
        assert_eq!(status.as_u16(), *add, "{who}: upload {body}");
        // What the file page and the printed file show each reader.
        let (status, f) = api.get(&format!("/api/v1/mediation/files/{id}")).await;
        let (_, _, dossier) =
            get_bytes(api, &format!("/api/v1/mediation/files/{id}/dossier.html")).await;
        let dossier = String::from_utf8_lossy(&dossier);
        if *see == 200 {
            assert!(
                f["records"][0]["photos"].as_array().unwrap().len() >= 2,
                "{who}"
            );
            assert_eq!(f["records"][0]["may_add_photo"], *add == 201, "{who}");
            assert!(
                dossier.contains(&thumb_url) && dossier.contains("附照片"),
                "{who}: the printed file"
            );
        } else {
            let text = f.to_string();
            assert!(
                !text.contains("/api/v1/mediation/photos/"),
                "{who}: {status}"
            );
            assert!(
                !text.contains("record_photo"),
                "{who}: not even in the history"
            );
            assert!(
                !dossier.contains("/api/v1/mediation/photos/"),
                "{who}: the printed file"
            );
        }
    }
    // The parties' own file has no records, and so no photos.
    assert_eq!(file(&d.applicant_api, id).await["records"], json!([]));

    // At most six per record: the seventh is refused with a clear code.
    let count = ok(m
        .get(&format!("/api/v1/mediation/records/{record}/photos"))
        .await)
    .await
    .as_array()
    .unwrap()
    .len();
    assert_eq!(count, 3, "the mediator's and staff's photos");
    for _ in count..6 {
        let (status, p) =
            upload_record_photo(&m, record, "image/png", crate::cases::png(30, 30)).await;
        assert_eq!(status, StatusCode::CREATED, "{p}");
    }
    let (status, e) = upload_record_photo(&m, record, "image/png", crate::cases::png(30, 30)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "validation_failed", "{e}");
    assert_eq!(e["errors"][0]["field"], "photos", "{e}");
    assert_eq!(e["errors"][0]["code"], "out_of_range", "{e}");
    assert_eq!(
        file(&m, id).await["records"][0]["photos"]
            .as_array()
            .unwrap()
            .len(),
        6
    );

    // A file that has ended takes no more site-check photos; those it has stay readable.
    let site2 = ok(m
        .post(
            &format!("/api/v1/mediation/files/{id}/records"),
            json!({"kind": "site_check", "text": "复查：外机仍在原处"}),
        )
        .await)
    .await["records"][2]["id"]
        .as_i64()
        .unwrap();
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
    }
    ok(mv(&m, id, "accept", None).await).await;
    ok(mv(&m, id, "fail", Some("李先生拒绝移机")).await).await;
    let f = file(&m, id).await;
    assert_eq!(f["records"][2]["may_add_photo"], false);
    let (status, e) = upload_record_photo(&m, site2, "image/png", crate::cases::png(30, 30)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "illegal_move", "{e}");
    let (status, _, _) = get_bytes(&m, &thumb_url).await;
    assert_eq!(status, StatusCode::OK);
}
both!(record_photos_are_seen_as_their_records);

/// Art. 23–24: a session held before the parties were told of their rights is recorded and
/// the history says so; the agreement waits until every party has been told. The printed
/// file reads in words: no event codes, no empty fields.
async fn rights_first_and_the_dossier_in_words(app: &TestApp) {
    let d = open_dispute(app).await;
    let m = app.login("mediator").await;
    let id = d.id;
    for party in [d.applicant, d.respondent] {
        ok(m.put(
            &format!("/api/v1/mediation/parties/{party}/consent"),
            json!({"agreed": true}),
        )
        .await)
        .await;
    }
    ok(mv(&m, id, "accept", None).await).await;
    // Only 王阿姨 has been told when the joint session takes place.
    ok(m.post(
        &format!("/api/v1/mediation/parties/{}/notice", d.applicant),
        json!(null),
    )
    .await)
    .await;
    let f = ok(m
        .post(
            &format!("/api/v1/mediation/files/{id}/sessions"),
            json!({
        "mode": "joint", "held_at": "2026-11-20T02:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.applicant, "statement": "外机滴水", "shareable": true}]}),
        )
        .await)
    .await;
    let missing: Vec<&Value> = f["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "notice_missing")
        .collect();
    assert_eq!(missing.len(), 1, "{}", f["history"]);
    assert_eq!(missing[0]["detail"], json!({"parties": ["李先生"]}));
    assert!(missing[0]["note"].is_null());
    // A back-to-back session with the party who was told: nothing to note.
    let f = ok(m.post(&format!("/api/v1/mediation/files/{id}/sessions"), json!({
        "mode": "back_to_back", "party_id": d.applicant, "held_at": "2026-11-20T03:00:00Z", "venue": "调解室",
        "entries": [{"party_id": d.applicant, "proposal": "移机"}]})).await).await;
    assert_eq!(
        f["history"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == "notice_missing")
            .count(),
        1
    );

    // The agreement waits for 李先生 to be told.
    let agreement = |version: Value| {
        json!({
        "facts": "外机滴水。", "terms": [{"text": "移机", "due": "2026-12-10"}], "version": version})
    };
    let version = file(&m, id).await["summary"]["version"].clone();
    let (status, p) = m
        .put(
            &format!("/api/v1/mediation/files/{id}/agreement"),
            agreement(version.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["code"], "rights_not_notified");
    assert!(
        p["messages"]["zh-CN"]
            .as_str()
            .unwrap()
            .contains("权利和义务")
    );
    assert!(file(&m, id).await["agreement"].is_null(), "nothing drafted");
    ok(m.post(
        &format!("/api/v1/mediation/parties/{}/notice", d.respondent),
        json!(null),
    )
    .await)
    .await;
    let version = file(&m, id).await["summary"]["version"].clone();
    ok(m.put(
        &format!("/api/v1/mediation/files/{id}/agreement"),
        agreement(version),
    )
    .await)
    .await;

    // The printed file: every history entry in words, empty statement fields left out.
    let (status, _, html) =
        get_bytes(&m, &format!("/api/v1/mediation/files/{id}/dossier.html")).await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(html).unwrap();
    let history = &html[html.find("六、办理经过").expect("the history section")..];
    let shown: String = history
        .split("<li")
        .skip(1)
        .map(|li| li.split_once('>').map(|(_, rest)| rest).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for code in [
        "intake",
        "consent",
        "accept",
        "begin",
        "session",
        "agreement_drafted",
        "notice_missing",
    ] {
        assert!(!shown.contains(code), "{code} shown as a code in: {shown}");
    }
    for words in [
        "登记",
        "同意调解",
        "受理",
        "调解",
        "制作协议",
        "未经权利义务告知即进行",
        "告知权利义务",
    ] {
        assert!(shown.contains(words), "{words} in: {shown}");
    }
    assert!(
        !html.contains("：；") && !html.contains("：</p>"),
        "no empty fields: {html}"
    );
    assert!(html.contains("王阿姨：陈述：外机滴水"), "{html}");
    assert!(html.contains("王阿姨：提议：移机"), "{html}");
}
both!(rights_first_and_the_dossier_in_words);

/// Rows written before history entries kept facts (Chinese sentences in `note`) read as the
/// new ones after the migration: the facts as fields, the typed words alone in the note.
async fn old_history_sentences_become_facts(app: &TestApp) {
    let d = open_dispute(app).await;
    let id = d.id;
    let copy = |action: &str, note: &str| {
        format!(
            "INSERT INTO mediation_events (file_id, at, actor_id, actor_name, action, note) \
             SELECT file_id, at, actor_id, actor_name, '{action}', '{note}' FROM mediation_events \
             WHERE file_id = {id} AND action = 'intake'"
        )
    };
    app.remigrate_from(
        "m20261207_000011_structured_history",
        &[
            copy("consent", "王阿姨 同意调解"),
            copy("record", "现场核实"),
            copy("session", "背靠背调解"),
            copy("refused", "李先生 不同意调解：不愿意，要去法院"),
            copy("resume", "现场核实"),
            format!(
                "UPDATE mediation_files SET stage = 'not_accepted', \
                 outcome_note = '李先生 不同意调解：不愿意，要去法院' WHERE id = {id}"
            ),
        ],
    )
    .await;
    let m = app.login("mediator").await;
    let f = file(&m, id).await;
    let entry = |action: &str| {
        f["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} in {}", f["history"]))
            .clone()
    };
    assert_eq!(entry("consent")["detail"], json!({"parties": ["王阿姨"]}));
    assert!(entry("consent")["note"].is_null());
    assert_eq!(
        entry("record")["detail"],
        json!({"record_kind": "site_check"})
    );
    assert_eq!(
        entry("session")["detail"],
        json!({"session_mode": "back_to_back"})
    );
    assert_eq!(entry("refused")["detail"], json!({"parties": ["李先生"]}));
    assert_eq!(entry("refused")["note"], "不愿意，要去法院");
    // Words someone typed are left as they were, even when they look like a kind's name.
    assert_eq!(entry("resume")["note"], "现场核实");
    assert_eq!(entry("resume")["detail"], json!({}));
    assert_eq!(f["outcome_note"], "不愿意，要去法院");
}
both!(old_history_sentences_become_facts);
