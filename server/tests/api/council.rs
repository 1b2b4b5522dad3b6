//! Grid deliberation: raising, support, ballots, meetings, decisions that become cases, and one
//! person one vote under concurrency.

use crate::both;
use crate::common::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn rfc(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

fn ballot_body(rules: Value) -> Value {
    let now = OffsetDateTime::now_utc();
    json!({"question": "是否同意？", "kind": {"type": "decision"}, "rules": rules,
        "opens_at": rfc(now - time::Duration::minutes(1)), "closes_at": rfc(now + time::Duration::days(2))})
}

const OPEN_RULES: &str = r#"{"quorum": {"type": "none"}, "pass": "majority_of_cast", "per_household": false, "hidden_until_close": false, "anonymous": false}"#;

fn rules(patch: Value) -> Value {
    let mut r: Value = serde_json::from_str(OPEN_RULES).unwrap();
    for (k, v) in patch.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

/// `n` verified resident accounts living in `grid_code`'s grid, signed in, made directly in
/// the database (a thousand argon2 logins would only test argon2).
async fn voters(app: &TestApp, grid_code: &str, n: usize, per_household: usize) -> Vec<Api> {
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    use server::accounts::store::resident_account;
    use server::accounts::store::{session, user};
    use server::places::store::{place, resident};
    let conn = &app.state.db.conn;
    let grid = app.place_id(grid_code).await;
    let households: Vec<i64> = place::Entity::find()
        .filter(place::Column::GridId.eq(grid))
        .filter(place::Column::Kind.eq("household"))
        .all(conn)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let now = OffsetDateTime::now_utc();
    let tag = uuid::Uuid::new_v4().simple().to_string();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let r = resident::ActiveModel {
            household_id: Set(households[(i / per_household) % households.len()]),
            grid_id: Set(grid),
            name: Set(format!("投票人{i}")),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
        let u = user::ActiveModel {
            username: Set(format!("v{}{i}", &tag[..6])),
            display_name: Set(format!("投票人{i}")),
            password_hash: Set("!".into()),
            disabled: Set(false),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(conn)
        .await
        .unwrap();
        server::accounts::store::user_role::ActiveModel {
            user_id: Set(u.id),
            role: Set("resident".into()),
        }
        .insert(conn)
        .await
        .unwrap();
        resident_account::ActiveModel {
            user_id: Set(u.id),
            resident_id: Set(r.id),
            verified_by: Set(None),
            verified_at: Set(now),
        }
        .insert(conn)
        .await
        .unwrap();
        let token = format!("{tag}{i:08}");
        session::ActiveModel {
            id_hash: Set(server::accounts::service::hash_token(&token)),
            user_id: Set(u.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            expires_at: Set(now + time::Duration::hours(1)),
            ip: Set(None),
            user_agent: Set(None),
        }
        .insert(conn)
        .await
        .unwrap();
        let mut api = app.anonymous();
        api.token = Some(token);
        out.push(api);
    }
    out
}

async fn raise(api: &Api, app: &TestApp, grid_code: &str, title: &str) -> Value {
    let scope = app.place_id(grid_code).await;
    let (status, item) = api
        .post(
            "/api/v1/council/items",
            json!({"title": title, "description": "三号楼下没有充电桩，电动车飞线充电很危险。", "scope_place_id": scope}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    item
}

async fn act(api: &Api, item: &Value, body: Value) -> (StatusCode, Value) {
    let id = item["summary"]["id"].as_i64().unwrap();
    let mut body = body;
    body["version"] = item["summary"]["version"].clone();
    api.post(&format!("/api/v1/council/items/{id}/moves"), body)
        .await
}

async fn ok_act(api: &Api, item: &Value, body: Value) -> Value {
    let (status, v) = act(api, item, body).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    v
}

fn party_and_category(meta: &Value) -> (i64, i64) {
    let party = meta["parties"][0]["id"].as_i64().unwrap();
    let category = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    (party, category)
}

/// The whole route of a big matter: raised by a resident, supported to the threshold,
/// scheduled onto the deliberation day, voted, decided into a case that appears on the board,
/// reviewed by the next meeting, and shown on the accountability page.
async fn a_big_matter_from_raising_to_accountability(app: &TestApp) {
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let (status, me) = resident.get("/api/v1/council/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me["verified"], true,
        "the demo resident account is verified"
    );

    // Settings: three supports schedule an item.
    let admin = app.login("admin").await;
    let (_, s) = admin.get("/api/v1/council/settings").await;
    let (status, s) = admin
        .put(
            "/api/v1/council/settings",
            json!({"support_threshold": 3, "small_matter_days": 5, "version": s["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");

    let now = OffsetDateTime::now_utc();
    let grid1 = app.place_id("XF-C01-G1").await;
    let (status, meeting) = staff
        .post(
            "/api/v1/council/meetings",
            json!({"scope_place_id": grid1, "kind": "regular", "title": "十二月网格议事日", "venue": "网格议事角", "starts_at": rfc(now + time::Duration::days(3))}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{meeting}");
    let meeting_id = meeting["summary"]["id"].as_i64().unwrap();

    let item = raise(&resident, app, "XF-C01-G1", "三号楼下加装电动车充电桩").await;
    assert_eq!(item["summary"]["stage"], "proposed");
    assert!(item["legal_actions"].as_array().unwrap().is_empty());
    // A resident cannot set the tier.
    let (status, _) = act(&resident, &item, json!({"action": "accept", "tier": "big"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let item = ok_act(&staff, &item, json!({"action": "accept", "tier": "big"})).await;
    assert_eq!(item["summary"]["stage"], "gathering");
    assert_eq!(item["summary"]["tier"], "big");
    let id = item["summary"]["id"].as_i64().unwrap();

    // The resident supports (twice is once), two neighbours join: scheduled onto the meeting.
    for _ in 0..2 {
        let (status, v) = resident
            .put(&format!("/api/v1/council/items/{id}/support"), json!(null))
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(v["summary"]["support_count"], 1);
        assert_eq!(v["summary"]["supported"], true);
    }
    let neighbours = voters(app, "XF-C01-G1", 2, 1).await;
    for n in &neighbours {
        let (status, v) = n
            .put(&format!("/api/v1/council/items/{id}/support"), json!(null))
            .await;
        assert_eq!(status, StatusCode::OK, "{v}");
    }
    let (_, item) = resident.get(&format!("/api/v1/council/items/{id}")).await;
    assert_eq!(item["summary"]["stage"], "scheduled");
    assert_eq!(item["summary"]["support_count"], 3);
    assert_eq!(item["summary"]["meeting_id"], meeting_id);
    let history: Vec<&str> = item["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["raised", "accept", "scheduled_by_support"]);
    // The tier is stored as its code, for the reader's app to word; no Chinese written by the
    // server into the entry, and the system's entry is signed by nobody (the app names it).
    let accepted = &item["history"][1];
    assert_eq!(accepted["detail"], json!({"tier": "big"}), "{accepted}");
    assert!(accepted["note"].is_null(), "{accepted}");
    let by_support = &item["history"][2];
    assert_eq!(by_support["actor_name"], "", "{by_support}");
    let (_, m) = staff
        .get(&format!("/api/v1/council/meetings/{meeting_id}"))
        .await;
    assert_eq!(m["agenda"][0]["item"]["id"], id, "on the meeting's agenda");

    // At the meeting: attendance, opening, a show-of-hands ballot recorded by staff plus the
    // residents' own votes, minutes.
    let zhang = app.resident_id("张秀兰").await;
    let (status, m) = staff
        .put(
            &format!("/api/v1/council/meetings/{meeting_id}/attendance"),
            json!({"attendees": [
                {"kind": "resident", "name": "张秀兰", "resident_id": zhang},
                {"kind": "grid_leader", "name": "赵网格员"},
                {"kind": "property_company", "name": "幸福物业 李经理"}], "version": m["summary"]["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["attendees"].as_array().unwrap().len(), 3);
    let item = ok_act(&staff, &item, json!({"action": "open"})).await;
    assert_eq!(item["summary"]["stage"], "deliberating");
    let (status, ballot) = staff
        .post(
            &format!("/api/v1/council/items/{id}/ballots"),
            ballot_body(rules(json!({}))),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ballot}");
    let bid = ballot["id"].as_i64().unwrap();
    // Deciding while the ballot runs is refused.
    let (_, item) = staff.get(&format!("/api/v1/council/items/{id}")).await;
    assert!(
        !item["legal_actions"]
            .as_array()
            .unwrap()
            .contains(&json!("decide"))
    );
    let vote = |choice: &str| json!({"answer": {"type": "decision", "choice": choice}});
    let (status, b) = staff
        .post(&format!("/api/v1/council/ballots/{bid}/votes"), {
            let mut v = vote("agree");
            v["resident_id"] = json!(zhang);
            v
        })
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let (status, b) = resident
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            vote("disagree"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["my_answer"]["choice"], "disagree");
    // Changing one's mind until close.
    let (_, b) = resident
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            vote("agree"),
        )
        .await;
    assert_eq!(b["my_answer"]["choice"], "agree");
    assert_eq!(b["counts"]["agree"], 2);
    assert_eq!(b["counts"]["disagree"], 0);
    let (_, b) = neighbours[0]
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            vote("abstain"),
        )
        .await;
    assert_eq!(b["counts"]["abstain"], 1);
    let (status, b) = staff
        .post(&format!("/api/v1/council/ballots/{bid}/close"), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["state"], "closed");
    assert_eq!(b["outcome"]["turnout"], 3);
    assert_eq!(b["outcome"]["passed"], true, "2 of 3 cast agree");
    let (_, item) = staff.get(&format!("/api/v1/council/items/{id}")).await;
    let closed = item["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "ballot_closed")
        .unwrap()
        .clone();
    assert_eq!(closed["detail"], json!({"passed": true}), "{closed}");
    assert_eq!(
        closed["note"],
        format!("{} / {}", b["outcome"]["turnout"], b["outcome"]["eligible"]),
        "only the count, as numbers: {closed}"
    );
    let (status, p) = resident
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            vote("disagree"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "ballot_closed");

    let (status, m) = staff
        .put(
            &format!("/api/v1/council/meetings/{meeting_id}/minutes/{id}"),
            json!({"text": "物业同意在三号楼北侧加装充电桩，两周内完成。", "version": m["summary"]["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(
        m["agenda"][0]["minutes"],
        "物业同意在三号楼北侧加装充电桩，两周内完成。"
    );

    // The decision becomes a registered case with the party and the deadline.
    let (_, meta) = staff.get("/api/v1/cases/meta").await;
    let (party, category) = party_and_category(&meta);
    let (_, item) = staff.get(&format!("/api/v1/council/items/{id}")).await;
    let deadline = (now + time::Duration::days(14)).date();
    let item = ok_act(
        &staff,
        &item,
        json!({"action": "decide", "decision": {"text": "物业两周内在三号楼北侧加装充电桩", "responsible_party_id": party, "category_id": category, "deadline": deadline.to_string()}}),
    )
    .await;
    assert_eq!(item["summary"]["stage"], "decided");
    let case_id = item["decision"]["case_id"].as_i64().unwrap();
    assert_eq!(item["decision"]["case_stage"], "registered");
    // The party by both its names: the app shows the one of the reader's language.
    let party_en = item["decision"]["responsible_party_en"].as_str().unwrap();
    assert!(
        !party_en.is_empty()
            && !party_en
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        item["decision"]
    );
    let (_, c) = staff.get(&format!("/api/v1/cases/{case_id}")).await;
    assert_eq!(c["source"], "council", "{c}");
    assert_eq!(c["stage"], "registered");
    assert_eq!(
        c["origin"],
        json!({"kind": "council", "item_id": item["summary"]["id"]})
    );
    assert!(
        c["description"]
            .as_str()
            .unwrap()
            .starts_with("物业两周内在三号楼北侧加装充电桩"),
        "the decision as it was written: {c}"
    );
    // No sentence written by the server into the history: the origin says it.
    assert!(
        c["history"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["note"].is_null()),
        "{c}"
    );
    assert_eq!(c["responsible_party_id"], party);
    let (_, board) = staff.get("/api/v1/board").await;
    assert!(
        board.to_string().contains(&format!("\"id\":{case_id}")),
        "the case is on the status board"
    );

    // Done only when its case is closed.
    let item = ok_act(&staff, &item, json!({"action": "start"})).await;
    let (status, p) = act(&staff, &item, json!({"action": "complete"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");

    // The next meeting opens with a review of this one's decisions.
    let (status, next) = staff
        .post(
            "/api/v1/council/meetings",
            json!({"scope_place_id": grid1, "kind": "regular", "title": "一月网格议事日", "venue": "网格议事角", "starts_at": rfc(now + time::Duration::days(30))}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(next["previous_meeting_id"], meeting_id);
    assert_eq!(next["review"][0]["item_id"], id);
    assert_eq!(next["review"][0]["decision"]["case_stage"], "registered");
    assert_eq!(next["review"][0]["stage"], "carrying_out");

    // Residents see who is responsible and by when.
    let (status, page) = resident.get("/api/v1/council/accountability").await;
    assert_eq!(status, StatusCode::OK);
    let entry = &page["items"][0];
    assert_eq!(entry["item_id"], id);
    assert_eq!(entry["decision"]["responsible_party_id"], party);
    assert_eq!(entry["decision"]["deadline"], deadline.to_string());
    assert_eq!(entry["overdue"], false);
}
both!(a_big_matter_from_raising_to_accountability);

/// 小事及时议: the grid leader decides a small matter at once; a big one needs a meeting.
async fn small_matters_are_decided_at_once(app: &TestApp) {
    let leader = app.login("gridworker").await;
    let resident = app.login("resident").await;
    let item = raise(&resident, app, "XF-C01-G1", "楼道灯坏了").await;
    let item = ok_act(&leader, &item, json!({"action": "accept", "tier": "small"})).await;
    let due = item["summary"]["due"].as_str().unwrap().to_string();
    let today = OffsetDateTime::now_utc()
        .to_offset(time::macros::offset!(+8))
        .date();
    assert_eq!(
        due,
        (today + time::Duration::days(7)).to_string(),
        "7 days by default"
    );
    let (_, meta) = leader.get("/api/v1/cases/meta").await;
    let (party, category) = party_and_category(&meta);
    let decision = json!({"action": "decide", "decision": {"text": "物业三天内更换灯泡", "responsible_party_id": party, "category_id": category, "deadline": (today + time::Duration::days(3)).to_string()}});
    let decided = ok_act(&leader, &item, decision.clone()).await;
    assert_eq!(decided["summary"]["stage"], "decided");

    let big = raise(&resident, app, "XF-C01-G1", "小区改造停车位").await;
    let big = ok_act(&leader, &big, json!({"action": "accept", "tier": "big"})).await;
    let (status, p) = act(&leader, &big, decision).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(p["code"], "illegal_move");
    // A grid worker of another grid may not act on this grid's items.
    let admin = app.login("admin").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo", "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    let other = app.login("gw2").await;
    let (status, _) = act(
        &other,
        &big,
        json!({"action": "reject", "note": "不归本网格"}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Stale versions are refused with the current item.
    let (status, p) = act(&leader, &item, json!({"action": "start"})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["current"]["summary"]["stage"], "decided");
}
both!(small_matters_are_decided_at_once);

/// Only verified residents of the item's scope support and vote.
async fn only_residents_in_scope_take_part(app: &TestApp) {
    let staff = app.login("staff").await;
    let item = raise(&staff, app, "XF-C01-G2", "第二网格健身器材维修").await;
    let item = ok_act(&staff, &item, json!({"action": "accept", "tier": "big"})).await;
    let id = item["summary"]["id"].as_i64().unwrap();
    // The demo resident lives in the first grid.
    let resident = app.login("resident").await;
    let (status, p) = resident
        .put(&format!("/api/v1/council/items/{id}/support"), json!(null))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(p["code"], "not_eligible");
    assert_eq!(
        resident.get(&format!("/api/v1/council/items/{id}")).await.1["may_support"],
        false
    );
    let (status, b) = staff
        .post(
            &format!("/api/v1/council/items/{id}/ballots"),
            ballot_body(rules(json!({}))),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let bid = b["id"].as_i64().unwrap();
    let (status, _) = resident
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            json!({"answer": {"type": "decision", "choice": "agree"}}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An unverified resident account neither.
    let admin = app.login("admin").await;
    admin
        .post(
            "/api/v1/users",
            json!({"username": "newcomer", "display_name": "新住户", "password": "linju-demo", "roles": ["resident"]}),
        )
        .await;
    let newcomer = app.login("newcomer").await;
    assert_eq!(
        newcomer.get("/api/v1/council/me").await.1["verified"],
        false
    );
    let (status, _) = newcomer
        .post(
            "/api/v1/council/items",
            json!({"title": "想提一个议题", "scope_place_id": app.place_id("XF-C01-G2").await}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Once the grid worker verifies them as a resident of the first grid, they may raise there.
    let gw = app.login("gridworker").await;
    // 瞿桂英 of the first grid (张秀兰 has the demo's own account).
    let zhang = app.resident_id("瞿桂英").await;
    let uid = app.user_id("newcomer").await;
    let (status, v) = gw
        .put(
            &format!("/api/v1/users/{uid}/resident"),
            json!({"resident_id": zhang}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    raise(&newcomer, app, "XF-C01-G1", "瞿奶奶想提一个议题").await;
    // One account per resident.
    let other = app.user_id("resident").await;
    let (status, p) = staff
        .put(
            &format!("/api/v1/users/{other}/resident"),
            json!({"resident_id": zhang}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
}
both!(only_residents_in_scope_take_part);

/// Hidden results, anonymous ballots (final once cast, nothing ties a voter to a choice),
/// one vote per household, and polls.
async fn ballot_options(app: &TestApp) {
    let staff = app.login("staff").await;
    let item = raise(&staff, app, "XF-C01-G3", "议事日改到周末").await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let people = voters(app, "XF-C01-G3", 4, 2).await; // two households of two
    let open = |body: Value| {
        let staff = staff.clone();
        async move {
            let (status, b) = staff
                .post(&format!("/api/v1/council/items/{id}/ballots"), body)
                .await;
            assert_eq!(status, StatusCode::CREATED, "{b}");
            b["id"].as_i64().unwrap()
        }
    };
    let vote = |api: &Api, bid: i64, answer: Value| {
        let api = api.clone();
        async move {
            api.post(
                &format!("/api/v1/council/ballots/{bid}/votes"),
                json!({ "answer": answer }),
            )
            .await
        }
    };
    let agree = json!({"type": "decision", "choice": "agree"});
    let disagree = json!({"type": "decision", "choice": "disagree"});

    // Hidden until close.
    let hidden = open(ballot_body(rules(json!({"hidden_until_close": true})))).await;
    let (_, b) = vote(&people[0], hidden, agree.clone()).await;
    assert!(b["counts"].is_null(), "no counts while open: {b}");
    assert_eq!(b["i_voted"], true);
    let (_, b) = staff
        .post(
            &format!("/api/v1/council/ballots/{hidden}/close"),
            json!(null),
        )
        .await;
    assert_eq!(b["counts"]["agree"], 1);

    // Anonymous: recorded that they voted, not what; final.
    let anon = open(ballot_body(rules(json!({"anonymous": true})))).await;
    let (status, b) = vote(&people[0], anon, disagree.clone()).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert!(b["my_answer"].is_null());
    assert_eq!(b["i_voted"], true);
    assert_eq!(b["may_vote"], false);
    let (status, p) = vote(&people[0], anon, agree.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(p["code"], "already_voted");
    vote(&people[1], anon, agree.clone()).await;
    let (status, _) = staff
        .post(
            &format!("/api/v1/council/ballots/{anon}/votes"),
            json!({"answer": agree, "resident_id": app.resident_id("投票人2").await}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no show of hands on a secret ballot"
    );
    {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        use server::council::store::vote;
        let rows = vote::Entity::find()
            .filter(vote::Column::BallotId.eq(anon))
            .all(&app.state.db.conn)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(
            rows.iter().all(|r| r.answer.is_none()),
            "no stored choice next to a voter"
        );
    }
    let (_, b) = staff
        .post(
            &format!("/api/v1/council/ballots/{anon}/close"),
            json!(null),
        )
        .await;
    assert_eq!(b["counts"]["agree"], 1);
    assert_eq!(b["counts"]["disagree"], 1);

    // One vote per household: the second member of a household is refused.
    let household = open(ballot_body(rules(
        json!({"per_household": true, "quorum": {"type": "more_than_half"}}),
    )))
    .await;
    assert_eq!(
        vote(&people[0], household, agree.clone()).await.0,
        StatusCode::OK
    );
    let (status, p) = vote(&people[1], household, disagree.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{p}");
    // The voter may still change the household's vote.
    assert_eq!(
        vote(&people[0], household, disagree.clone()).await.0,
        StatusCode::OK
    );
    assert_eq!(
        vote(&people[2], household, agree.clone()).await.0,
        StatusCode::OK
    );
    let (_, b) = staff
        .post(
            &format!("/api/v1/council/ballots/{household}/close"),
            json!(null),
        )
        .await;
    assert_eq!(b["outcome"]["turnout"], 2);
    let eligible = b["outcome"]["eligible"].as_u64().unwrap();
    assert!(eligible >= 2, "households of the grid");
    assert_eq!(b["outcome"]["quorum_met"], 2 * 2 > eligible);
    assert_eq!(b["outcome"]["passed"], false, "a tie does not pass");

    // A poll with up to two picks.
    let now = OffsetDateTime::now_utc();
    let poll = open(json!({"question": "议事日定在哪天？", "kind": {"type": "poll", "options": ["周六上午", "周日上午", "周三晚上"], "max_choices": 2},
        "rules": rules(json!({})), "opens_at": rfc(now - time::Duration::minutes(1)), "closes_at": rfc(now + time::Duration::days(1))}))
    .await;
    let pick = |o: Vec<u16>| json!({"type": "poll", "options": o});
    assert_eq!(
        vote(&people[0], poll, pick(vec![0, 1])).await.0,
        StatusCode::OK
    );
    assert_eq!(
        vote(&people[1], poll, pick(vec![1])).await.0,
        StatusCode::OK
    );
    let (status, _) = vote(&people[2], poll, pick(vec![0, 1, 2])).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "three picks of two"
    );
    let (_, b) = staff
        .post(
            &format!("/api/v1/council/ballots/{poll}/close"),
            json!(null),
        )
        .await;
    assert_eq!(b["counts"]["options"], json!([1, 2, 0]));
    assert_eq!(b["outcome"]["leading"], json!([1]));
}
both!(ballot_options);

/// 难事反复议: a hard matter carried from meeting to meeting keeps every round's record.
async fn hard_matters_are_carried_with_every_round_kept(app: &TestApp) {
    let staff = app.login("staff").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let now = OffsetDateTime::now_utc();
    let mut meetings = Vec::new();
    for days in [2, 9] {
        let (_, m) = staff
            .post(
                "/api/v1/council/meetings",
                json!({"scope_place_id": grid1, "kind": "regular", "title": format!("议事日 +{days}"), "venue": "小区广场", "starts_at": rfc(now + time::Duration::days(days))}),
            )
            .await;
        meetings.push(m["summary"]["id"].as_i64().unwrap());
    }
    let item = raise(&staff, app, "XF-C01-G1", "老旧小区加装电梯").await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let item = ok_act(&staff, &item, json!({"action": "accept", "tier": "hard"})).await;
    let item = ok_act(
        &staff,
        &item,
        json!({"action": "schedule", "meeting_id": meetings[0]}),
    )
    .await;
    let item = ok_act(&staff, &item, json!({"action": "open"})).await;
    let (status, _) = act(&staff, &item, json!({"action": "carry"})).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a round needs its record"
    );
    let item = ok_act(
        &staff,
        &item,
        json!({"action": "carry", "note": "一楼住户反对，需再议"}),
    )
    .await;
    assert_eq!(item["summary"]["stage"], "scheduled");
    assert_eq!(
        item["summary"]["meeting_id"], meetings[1],
        "carried to the next meeting"
    );
    let carried = item["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "carry")
        .unwrap()
        .clone();
    assert_eq!(carried["note"], "一楼住户反对，需再议");
    assert_eq!(carried["meeting_id"], meetings[0]);
    let (_, m) = staff
        .get(&format!("/api/v1/council/meetings/{}", meetings[1]))
        .await;
    assert_eq!(m["agenda"][0]["item"]["id"], id);

    // Comments: moderation hides the text from residents, with the reason.
    let resident = app.login("resident").await;
    let (status, c) = resident
        .post(
            &format!("/api/v1/council/items/{id}/comments"),
            json!({"body": "一楼的意见也要听"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = staff
        .post(
            &format!("/api/v1/council/comments/{}/hide", c["id"]),
            json!({"reason": "含有人身攻击"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = resident
        .get(&format!("/api/v1/council/items/{id}/comments"))
        .await;
    assert_eq!(list[0]["hidden"], true);
    assert_eq!(list[0]["body"], "");
    assert_eq!(list[0]["hidden_reason"], "含有人身攻击");
    let (_, list) = staff
        .get(&format!("/api/v1/council/items/{id}/comments"))
        .await;
    assert_eq!(list[0]["body"], "一楼的意见也要听");
}
both!(hard_matters_are_carried_with_every_round_kept);

/// One person one vote under concurrency: 1,000 residents vote at once while 200 of them try
/// a second vote at the same moment; the counts are exact, no duplicate rows, no 500s.
async fn a_thousand_concurrent_voters_are_counted_exactly(app: &TestApp) {
    let staff = app.login("staff").await;
    let item = raise(&staff, app, "XF-C01-G4", "第四网格增设快递柜").await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let people = voters(app, "XF-C01-G4", 1000, 1).await;
    for anonymous in [false, true] {
        let (status, b) = staff
            .post(
                &format!("/api/v1/council/items/{id}/ballots"),
                ballot_body(rules(json!({"anonymous": anonymous}))),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let bid = b["id"].as_i64().unwrap();
        let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(100));
        let mut tasks = tokio::task::JoinSet::new();
        for (i, p) in people.iter().enumerate() {
            // Voter i agrees when i is even; the first 200 also fire a second, different vote.
            let tries = if i < 200 { 2 } else { 1 };
            for t in 0..tries {
                let p = p.clone();
                let limit = limit.clone();
                let choice = if (i + t) % 2 == 0 {
                    "agree"
                } else {
                    "disagree"
                };
                tasks.spawn(async move {
                    let _slot = limit.acquire_owned().await.unwrap();
                    let (status, _) = p
                        .post(
                            &format!("/api/v1/council/ballots/{bid}/votes"),
                            json!({"answer": {"type": "decision", "choice": choice}}),
                        )
                        .await;
                    (i, t, status)
                });
            }
        }
        let mut statuses = std::collections::BTreeMap::new();
        while let Some(r) = tasks.join_next().await {
            let (_, _, status) = r.unwrap();
            *statuses.entry(status.as_u16()).or_insert(0) += 1;
        }
        if anonymous {
            // A secret vote is final: exactly one of each double attempt is refused.
            assert_eq!(statuses.get(&200), Some(&1000), "{statuses:?}");
            assert_eq!(statuses.get(&409), Some(&200), "{statuses:?}");
        } else {
            // An open vote may be changed: every request succeeds, the last one counts.
            assert_eq!(statuses.get(&200), Some(&1200), "{statuses:?}");
        }
        let (_, b) = staff
            .post(&format!("/api/v1/council/ballots/{bid}/close"), json!(null))
            .await;
        assert_eq!(b["outcome"]["turnout"], 1000, "{b}");
        let counts = &b["counts"];
        let total = counts["agree"].as_u64().unwrap() + counts["disagree"].as_u64().unwrap();
        assert_eq!(total, 1000, "one counted vote per person: {counts}");
        if !anonymous {
            // Voters 200.. voted once: 400 of them even (agree), 400 odd (disagree).
            assert!(counts["agree"].as_u64().unwrap() >= 400);
            assert!(counts["disagree"].as_u64().unwrap() >= 400);
        }
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        use server::council::store::vote;
        let rows = vote::Entity::find()
            .filter(vote::Column::BallotId.eq(bid))
            .count(&app.state.db.conn)
            .await
            .unwrap();
        assert_eq!(rows, 1000, "no duplicate vote rows");
    }
}
both!(a_thousand_concurrent_voters_are_counted_exactly);

/// Nobody verifies their own account or a non-resident one; links are audited. The office
/// records a show of hands only for residents present at the meeting, never over their own vote.
async fn verification_and_recorded_votes_are_guarded(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let zhang = app.resident_id("张秀兰").await;
    let me = app.user_id("gridworker").await;
    let (status, _) = gw
        .put(
            &format!("/api/v1/users/{me}/resident"),
            json!({"resident_id": zhang}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "no self-verification");
    let mediator = app.user_id("mediator").await;
    let (status, _) = gw
        .put(
            &format!("/api/v1/users/{mediator}/resident"),
            json!({"resident_id": zhang}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only resident accounts"
    );
    let resident = app.user_id("resident").await;
    let (status, _) = gw
        .put(
            &format!("/api/v1/users/{resident}/resident"),
            json!({"resident_id": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.audit("resident.account_link").await.len(), 1);

    let staff = app.login("staff").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let now = OffsetDateTime::now_utc();
    let (_, meeting) = staff
        .post(
            "/api/v1/council/meetings",
            json!({"scope_place_id": grid1, "kind": "regular", "title": "议事日", "venue": "网格议事角", "starts_at": rfc(now + time::Duration::days(1))}),
        )
        .await;
    let meeting_id = meeting["summary"]["id"].as_i64().unwrap();
    let item = raise(&staff, app, "XF-C01-G1", "楼道堆物清理").await;
    let item = ok_act(
        &staff,
        &item,
        json!({"action": "schedule", "meeting_id": meeting_id}),
    )
    .await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let (_, b) = staff
        .post(
            &format!("/api/v1/council/items/{id}/ballots"),
            ballot_body(rules(json!({}))),
        )
        .await;
    let bid = b["id"].as_i64().unwrap();
    let people = voters(app, "XF-C01-G1", 2, 1).await;
    let rid = |name: &str| {
        let name = name.to_string();
        async move { app.resident_id(&name).await }
    };
    let first = rid("投票人0").await;
    let second = rid("投票人1").await;
    let record = |r: i64, choice: &str| json!({"answer": {"type": "decision", "choice": choice}, "resident_id": r});
    let (status, p) = staff
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            record(first, "agree"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not at the meeting: {p}"
    );
    let (_, m) = staff
        .get(&format!("/api/v1/council/meetings/{meeting_id}"))
        .await;
    staff
        .put(
            &format!("/api/v1/council/meetings/{meeting_id}/attendance"),
            json!({"attendees": [
                {"kind": "resident", "name": "投票人0", "resident_id": first},
                {"kind": "resident", "name": "投票人1", "resident_id": second}], "version": m["summary"]["version"]}),
        )
        .await;
    let (status, p) = staff
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            record(first, "agree"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{p}");
    assert_eq!(app.audit("council.vote.record").await.len(), 1);
    // The second resident votes for themselves; the office cannot record over it.
    people[1]
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            json!({"answer": {"type": "decision", "choice": "disagree"}}),
        )
        .await;
    let (status, _) = staff
        .post(
            &format!("/api/v1/council/ballots/{bid}/votes"),
            record(second, "agree"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, b) = staff
        .post(&format!("/api/v1/council/ballots/{bid}/close"), json!(null))
        .await;
    assert_eq!(b["counts"]["agree"], 1);
    assert_eq!(b["counts"]["disagree"], 1);
}
both!(verification_and_recorded_votes_are_guarded);

async fn upload_photo(
    api: &Api,
    item_id: i64,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let req = api
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/council/items/{item_id}/photos"),
        )
        .header("content-type", content_type)
        .body(body);
    api.send(req).await
}

/// Photos on agenda items: checked and stored like case photos, added by the raiser while the
/// item is young and by those who manage it, at most six, seen by everyone signed in.
async fn agenda_items_carry_photos(app: &TestApp) {
    let resident = app.login("resident").await;
    let item = raise(&resident, app, "XF-C01-G1", "楼道灯坏了").await;
    let id = item["summary"]["id"].as_i64().unwrap();
    assert_eq!(item["may_add_photo"], true, "the raiser may add photos");
    assert_eq!(item["photos"], json!([]));
    let (status, p) = upload_photo(&resident, id, "image/png", crate::cases::png(800, 600)).await;
    assert_eq!(status, StatusCode::CREATED, "{p}");
    assert_eq!(
        (p["width"].as_u64(), p["height"].as_u64()),
        (Some(800), Some(600))
    );
    let (status, p) = upload_photo(&resident, id, "text/plain", b"hello".to_vec()).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{p}");
    let (status, p) = upload_photo(&resident, id, "image/png", b"not a png".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    // Someone else's item: only those who manage it add photos.
    let mediator = app.login("mediator").await;
    let (status, _) = upload_photo(&mediator, id, "image/png", crate::cases::png(20, 20)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let gw = app.login("gridworker").await;
    let (status, _) = upload_photo(&gw, id, "image/png", crate::cases::png(20, 20)).await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "the grid leader of the item's grid"
    );

    // Everyone signed in sees the item and its photos; nobody else.
    let (_, seen) = mediator.get(&format!("/api/v1/council/items/{id}")).await;
    assert_eq!(seen["may_add_photo"], false);
    let photos = seen["photos"].as_array().unwrap().clone();
    assert_eq!(photos.len(), 2);
    for url in [&photos[0]["url"], &photos[0]["thumb_url"]] {
        let res = mediator
            .request(reqwest::Method::GET, url.as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()["content-type"], "image/jpeg");
        let bytes = res.bytes().await.unwrap();
        assert_eq!(&bytes[..2], &[0xff, 0xd8], "re-encoded as JPEG");
        let (status, _) = app.anonymous().get(url.as_str().unwrap()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let thumb = mediator
        .request(
            reqwest::Method::GET,
            photos[0]["thumb_url"].as_str().unwrap(),
        )
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let t = image::load_from_memory(&thumb).unwrap();
    assert_eq!((t.width(), t.height()), (320, 240));

    // At most six.
    for _ in 0..4 {
        let (status, _) = upload_photo(&resident, id, "image/png", crate::cases::png(30, 30)).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (status, p) = upload_photo(&resident, id, "image/png", crate::cases::png(30, 30)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{p}");
    assert_eq!(p["errors"][0]["field"], "photos", "{p}");

    // Once the item moves on, the raiser adds no more (the office still may).
    let staff = app.login("staff").await;
    ok_act(&staff, &item, json!({"action": "accept", "tier": "big"})).await;
    let (_, item) = resident.get(&format!("/api/v1/council/items/{id}")).await;
    assert_eq!(item["may_add_photo"], true, "still gathering support");
    let item2 = raise(&resident, app, "XF-C01-G1", "垃圾分类点太远").await;
    let item2 = ok_act(
        &staff,
        &item2,
        json!({"action": "reject", "note": "已有安排"}),
    )
    .await;
    let id2 = item2["summary"]["id"].as_i64().unwrap();
    let (status, _) = upload_photo(&resident, id2, "image/png", crate::cases::png(30, 30)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not adopted: no more photos");
}
both!(agenda_items_carry_photos);

/// Read server-sent events from a live stream until `want` is satisfied or 10 s pass.
async fn read_until(
    res: &mut reqwest::Response,
    buf: &mut String,
    want: impl Fn(&Value) -> bool,
) -> Option<(i64, Value)> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        while let Some(end) = buf.find("\n\n") {
            let block: String = buf.drain(..end + 2).collect();
            let mut id = None;
            let mut data = None;
            let mut event = None;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("id: ") {
                    id = v.parse::<i64>().ok();
                } else if let Some(v) = line.strip_prefix("data: ") {
                    data = serde_json::from_str::<Value>(v).ok();
                } else if let Some(v) = line.strip_prefix("event: ") {
                    event = Some(v.to_string());
                }
            }
            if let (Some(id), Some(data), Some("item")) = (id, data, event.as_deref())
                && want(&data)
            {
                return Some((id, data));
            }
        }
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .ok()?
            .ok()??;
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// The live council board: a change one user makes reaches another user's open stream with
/// the item's id, version, stage and support count — and nothing else; a client that
/// reconnects with the last id it saw gets what it missed.
async fn the_council_board_is_live(app: &TestApp) {
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let mut stream = resident
        .request(reqwest::Method::GET, "/api/v1/council/live")
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert!(
        stream.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut buf = String::new();
    let item = raise(&staff, app, "XF-C01-G1", "小区南门加装护栏").await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let (first, data) = read_until(&mut stream, &mut buf, |d| d["item_id"] == id)
        .await
        .expect("the raised item reaches the other client");
    assert_eq!(data["stage"], "proposed");
    let mut keys: Vec<&String> = data.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        ["id", "item_id", "stage", "support_count", "version"],
        "only these fields"
    );

    // The office moves it; the resident's stream sees the stage and version change.
    let item = ok_act(&staff, &item, json!({"action": "accept", "tier": "big"})).await;
    let version = item["summary"]["version"].as_i64().unwrap();
    let (_, data) = read_until(&mut stream, &mut buf, |d| {
        d["item_id"] == id && d["stage"] == "gathering"
    })
    .await
    .expect("the move reaches the other client");
    assert_eq!(data["version"], version);

    // Another client supports it: the count comes through the stream of the office too.
    let mut office_stream = staff
        .request(reqwest::Method::GET, "/api/v1/council/live")
        .send()
        .await
        .unwrap();
    let mut office_buf = String::new();
    let (status, _) = resident
        .put(&format!("/api/v1/council/items/{id}/support"), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK);
    read_until(&mut office_stream, &mut office_buf, |d| {
        d["item_id"] == id && d["support_count"] == 1
    })
    .await
    .expect("the support reaches the office's board");
    // Support entries feed the stream but stay out of the item's history.
    let (_, view) = staff.get(&format!("/api/v1/council/items/{id}")).await;
    let history: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(history, ["raised", "accept"]);

    // Reconnecting after the first change replays what came after it.
    drop(stream);
    let mut again = resident
        .request(reqwest::Method::GET, "/api/v1/council/live")
        .header("last-event-id", first.to_string())
        .send()
        .await
        .unwrap();
    let mut buf = String::new();
    let (replayed, _) = read_until(&mut again, &mut buf, |d| {
        d["item_id"] == id && d["support_count"] == 1
    })
    .await
    .expect("missed changes are replayed");
    assert!(replayed > first);
    let (status, _) = app.anonymous().get("/api/v1/council/live").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
both!(the_council_board_is_live);

/// Support is one per resident: an account re-linked to a resident who already supported an
/// item sees that support and cannot add a second; the database refuses a duplicate outright.
async fn support_is_one_per_resident(app: &TestApp) {
    let staff = app.login("staff").await;
    let resident = app.login("resident").await;
    let item = raise(&staff, app, "XF-C01-G1", "楼顶防水维修").await;
    let item = ok_act(&staff, &item, json!({"action": "accept", "tier": "big"})).await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let (status, v) = resident
        .put(&format!("/api/v1/council/items/{id}/support"), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["summary"]["support_count"], 1);

    // The same resident gets a second account: the first is unlinked, the second linked.
    let liu = app.resident_id("刘建华").await;
    let old = app.user_id("resident").await;
    let admin = app.login("admin").await;
    let (status, second) = admin
        .post(
            "/api/v1/users",
            json!({"username": "liu2", "display_name": "刘建华", "password": "linju-demo", "roles": ["resident"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{second}");
    let second_id = second["id"].as_i64().unwrap();
    let (status, _) = staff
        .put(
            &format!("/api/v1/users/{second_id}/resident"),
            json!({"resident_id": liu}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "one resident, one verified account at a time"
    );
    let (status, _) = staff
        .put(
            &format!("/api/v1/users/{old}/resident"),
            json!({"resident_id": null}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = staff
        .put(
            &format!("/api/v1/users/{second_id}/resident"),
            json!({"resident_id": liu}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let liu2 = app.login("liu2").await;
    let (_, v) = liu2.get(&format!("/api/v1/council/items/{id}")).await;
    assert_eq!(
        v["summary"]["supported"], true,
        "the resident's support shows"
    );
    let (status, v) = liu2
        .put(&format!("/api/v1/council/items/{id}/support"), json!(null))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["summary"]["support_count"], 1, "not twice");
    // The unique index holds even if the service were bypassed.
    {
        use sea_orm::{ActiveModelTrait, Set};
        use server::council::store::support;
        let dup = support::ActiveModel {
            item_id: Set(id),
            user_id: Set(Some(second_id)),
            resident_id: Set(Some(liu)),
            proxy_action_id: Set(None),
            created_at: Set(OffsetDateTime::now_utc()),
            ..Default::default()
        }
        .insert(&app.state.db.conn)
        .await;
        assert!(dup.is_err(), "one support row per resident and item");
    }
    let (status, v) = liu2
        .delete(&format!("/api/v1/council/items/{id}/support"))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(
        v["summary"]["support_count"], 0,
        "withdrawn for the resident"
    );
    assert_eq!(v["summary"]["supported"], false);
}
both!(support_is_one_per_resident);

/// Rows written before history entries kept facts ("大事：…", "通过：3 / 10", signed "系统")
/// read as the new ones after the migration.
async fn old_history_sentences_become_facts(app: &TestApp) {
    let resident = app.login("resident").await;
    let staff = app.login("staff").await;
    let item = raise(&resident, app, "XF-C01-G1", "楼道灯坏了很久").await;
    let item = ok_act(&staff, &item, json!({"action": "accept", "tier": "small"})).await;
    let id = item["summary"]["id"].as_i64().unwrap();
    let copy = |action: &str, note: &str, actor: &str| {
        format!(
            "INSERT INTO council_events (item_id, at, actor_id, actor_name, action, note) \
             SELECT item_id, at, {actor}, '{action}', '{note}' FROM council_events \
             WHERE item_id = {id} AND action = 'raised'"
        )
    };
    app.remigrate_from(
        "m20261207_000011_structured_history",
        &[
            format!(
                "UPDATE council_events SET note = '要事：请物业到场' \
                 WHERE item_id = {id} AND action = 'accept'"
            ),
            copy("ballot_closed", "未通过：3 / 10", "actor_id, actor_name"),
            copy("scheduled_by_support", "3 / 3", "NULL, '系统'"),
        ],
    )
    .await;
    let (_, item) = staff.get(&format!("/api/v1/council/items/{id}")).await;
    let entry = |action: &str| {
        item["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} in {}", item["history"]))
            .clone()
    };
    assert_eq!(entry("accept")["detail"], json!({"tier": "important"}));
    assert_eq!(entry("accept")["note"], "请物业到场");
    assert_eq!(entry("ballot_closed")["detail"], json!({"passed": false}));
    assert_eq!(entry("ballot_closed")["note"], "3 / 10");
    assert_eq!(entry("scheduled_by_support")["actor_name"], "");
    assert_eq!(entry("raised")["detail"], json!({}));
}
both!(old_history_sentences_become_facts);
