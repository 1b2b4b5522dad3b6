//! Undo (撤回) and 代办 (issue 17): a resident takes back a report, a support or a vote within
//! ten minutes — at the edges of the window on the server's clock (`server::clock::at`) — and
//! a grid worker acts for a resident in her presence, one person one vote.

use crate::both;
use crate::common::{Api, TestApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use server::error::AppError;
use shared::accounts::Principal;
use shared::error::ErrorCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

fn rfc(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap()
}

fn at(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(
        v.as_str().unwrap_or_else(|| panic!("no time: {v}")),
        &Rfc3339,
    )
    .unwrap()
}

async fn principal(api: &Api) -> Principal {
    let (status, me) = api.get("/api/v1/auth/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    serde_json::from_value(me).unwrap()
}

fn ctx() -> server::http::RequestCtx {
    server::http::RequestCtx {
        request_id: None,
        ip: None,
        lang: shared::i18n::Lang::ZhCn,
        user_agent: None,
        secure: false,
    }
}

fn code_of(e: AppError) -> ErrorCode {
    match e {
        AppError::Code(c) => c,
        other => panic!("expected a code, got {other:?}"),
    }
}

/// An item in the first grid gathering support.
async fn gathering_item(app: &TestApp, title: &str) -> i64 {
    let staff = app.login("staff").await;
    let grid1 = app.place_id("XF-C01-G1").await;
    let (status, item) = staff
        .post(
            "/api/v1/council/items",
            json!({"title": title, "description": "楼道里堆满杂物，老人走路不安全。", "scope_place_id": grid1}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{item}");
    let id = item["summary"]["id"].as_i64().unwrap();
    let (status, item) = staff
        .post(
            &format!("/api/v1/council/items/{id}/moves"),
            json!({"action": "accept", "tier": "big", "version": item["summary"]["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{item}");
    id
}

/// An open decision ballot on a new item of the first grid, closing at `closes_at`.
async fn open_ballot(app: &TestApp, title: &str, closes_at: OffsetDateTime, patch: Value) -> i64 {
    let staff = app.login("staff").await;
    let id = gathering_item(app, title).await;
    let mut rules = json!({"quorum": {"type": "none"}, "pass": "majority_of_cast", "per_household": false,
        "hidden_until_close": false, "anonymous": false});
    for (k, v) in patch.as_object().unwrap() {
        rules[k] = v.clone();
    }
    let now = OffsetDateTime::now_utc();
    let (status, b) = staff
        .post(
            &format!("/api/v1/council/items/{id}/ballots"),
            json!({"question": format!("{title}？"), "kind": {"type": "decision"}, "rules": rules,
                "opens_at": rfc(now - time::Duration::minutes(1)), "closes_at": rfc(closes_at)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

async fn reported_this_month(app: &TestApp) -> Value {
    let staff = app.login("staff").await;
    let today = shared::calendar::format_day(shared::calendar::day_at(OffsetDateTime::now_utc()));
    let (status, d) = staff
        .get(&format!("/api/v1/stats?period=month&from={today}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d["figures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "cases_reported")
        .unwrap()["value"]
        .clone()
}

async fn undo_windows_hold_to_the_second(app: &TestApp) {
    let zhang = app.login("zhangxiulan").await;
    let me = principal(&zhang).await;
    let state = &app.state;

    // A report: withdrawn up to ten minutes after filing, not at ten minutes.
    let before = reported_this_month(app).await;
    let (_, meta) = zhang.get("/api/v1/cases/meta").await;
    let leaf = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let building = app.place_id("XF-C01-B0001").await;
    let (status, c) = zhang
        .post(
            "/api/v1/cases",
            json!({"title": "楼道灯坏了", "category_id": leaf, "urgency": "normal",
            "source": "resident_report", "place_id": building}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let id = c["id"].as_i64().unwrap();
    let until = at(&c["withdraw_until"]);
    assert_eq!(until, at(&c["created_at"]) + shared::undo::UNDO_WINDOW);
    assert_ne!(
        reported_this_month(app).await,
        before,
        "counted while it stands"
    );
    let version = c["version"].as_i64().unwrap();
    let late = server::clock::at(
        until,
        server::cases::service::withdraw(state, &me, &ctx(), id, version),
    )
    .await;
    assert_eq!(code_of(late.unwrap_err()), ErrorCode::CannotWithdraw);
    let done = server::clock::at(
        until - time::Duration::seconds(1),
        server::cases::service::withdraw(state, &me, &ctx(), id, version),
    )
    .await
    .unwrap();
    assert_eq!(done.summary.stage, shared::cases::Stage::Withdrawn);
    assert_eq!(done.withdraw_until, None);
    // Kept, with the step in its history and the audit log, and counted nowhere.
    let (status, kept) = zhang.get(&format!("/api/v1/cases/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(kept["stage"], "withdrawn");
    assert!(
        kept["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "withdraw" && e["actor_name"] == "张秀兰"),
        "{kept}"
    );
    let audit = app.audit("case.withdraw").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].entity_id, Some(id));
    assert_eq!(
        reported_this_month(app).await,
        before,
        "a withdrawn report is not counted"
    );

    // Once the office acted on a report, it is no longer hers to withdraw.
    let (_, c2) = zhang
        .post(
            "/api/v1/cases",
            json!({"title": "垃圾桶满了", "category_id": leaf, "urgency": "normal",
            "source": "resident_report", "place_id": building}),
        )
        .await;
    let id2 = c2["id"].as_i64().unwrap();
    let staff = app.login("staff").await;
    let (status, moved) = staff
        .post(
            &format!("/api/v1/cases/{id2}/moves"),
            json!({"action": "register", "version": c2["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (_, seen) = zhang.get(&format!("/api/v1/cases/{id2}")).await;
    assert!(seen["withdraw_until"].is_null(), "{seen}");
    let (status, refused) = zhang
        .post(
            &format!("/api/v1/cases/{id2}/withdraw"),
            json!({"version": seen["version"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "cannot_withdraw");

    // A support: ten minutes, to the second.
    let item = gathering_item(app, "楼道杂物清理").await;
    let (status, v) = zhang
        .put(
            &format!("/api/v1/council/items/{item}/support"),
            json!(null),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let until = at(&v["summary"]["support_withdraw_until"]);
    let late = server::clock::at(
        until,
        server::council::service::support(state, &me, &ctx(), item, false),
    )
    .await;
    assert_eq!(code_of(late.unwrap_err()), ErrorCode::CannotWithdraw);
    let v = server::clock::at(
        until - time::Duration::seconds(1),
        server::council::service::support(state, &me, &ctx(), item, false),
    )
    .await
    .unwrap();
    assert_eq!(v.summary.support_count, 0);
    assert!(!v.summary.supported);
    let audit = app.audit("council.support.withdraw").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].resident_id, Some(app.resident_id("张秀兰").await));

    // A vote: ten minutes, to the second …
    let agree = json!({"answer": {"type": "decision", "choice": "agree"}});
    let ballot = open_ballot(
        app,
        "加装扶手",
        OffsetDateTime::now_utc() + time::Duration::days(1),
        json!({}),
    )
    .await;
    let (status, b) = zhang
        .post(
            &format!("/api/v1/council/ballots/{ballot}/votes"),
            agree.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{b}");
    let until = at(&b["withdraw_until"]);
    let late = server::clock::at(
        until,
        server::council::service::withdraw_vote(state, &me, &ctx(), ballot),
    )
    .await;
    assert_eq!(code_of(late.unwrap_err()), ErrorCode::CannotWithdraw);
    let b = server::clock::at(
        until - time::Duration::seconds(1),
        server::council::service::withdraw_vote(state, &me, &ctx(), ballot),
    )
    .await
    .unwrap();
    assert!(!b.i_voted);
    assert!(b.may_vote, "she may vote again");
    assert_eq!(b.counts.unwrap().agree, 0, "no longer counted");
    let audit = app.audit("council.vote.withdraw").await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].entity_id, Some(ballot));

    // … and no later than the ballot's close, when that comes first.
    let closes = OffsetDateTime::now_utc() + time::Duration::minutes(3);
    let short = open_ballot(app, "周末议事", closes, json!({})).await;
    let (_, b) = zhang
        .post(
            &format!("/api/v1/council/ballots/{short}/votes"),
            agree.clone(),
        )
        .await;
    let until = at(&b["withdraw_until"]);
    assert_eq!(until, at(&b["closes_at"]));
    let late = server::clock::at(
        until,
        server::council::service::withdraw_vote(state, &me, &ctx(), short),
    )
    .await;
    assert_eq!(code_of(late.unwrap_err()), ErrorCode::CannotWithdraw);

    // An anonymous vote is final: nothing to offer, nothing to take back.
    let secret = open_ballot(
        app,
        "无记名表决",
        OffsetDateTime::now_utc() + time::Duration::days(1),
        json!({"anonymous": true}),
    )
    .await;
    let (_, b) = zhang
        .post(&format!("/api/v1/council/ballots/{secret}/votes"), agree)
        .await;
    assert!(b["withdraw_until"].is_null(), "{b}");
    let (status, refused) = zhang
        .delete(&format!("/api/v1/council/ballots/{secret}/votes"))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "cannot_withdraw");
}
both!(undo_windows_hold_to_the_second);

async fn one_person_one_vote_with_proxy_votes(app: &TestApp) {
    let gw = app.login("gridworker").await;
    let zhang = app.login("zhangxiulan").await;
    let her = app.resident_id("张秀兰").await;
    let agree = json!({"type": "decision", "choice": "agree"});
    let disagree = json!({"type": "decision", "choice": "disagree"});
    let later = OffsetDateTime::now_utc() + time::Duration::days(1);
    let proxy = |resident: i64, ballot: i64, answer: &Value| {
        json!({"resident_id": resident, "confirmation": "thumbprint",
            "act": {"kind": "vote", "ballot_id": ballot, "answer": answer}})
    };

    // Her grid worker votes for her; her own vote afterwards is refused as already cast.
    let ballot = open_ballot(app, "小区加装电梯", later, json!({})).await;
    let (status, done) = gw
        .post("/api/v1/proxy/actions", proxy(her, ballot, &agree))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{done}");
    assert_eq!(done["kind"], "vote");
    assert_eq!(done["actor_name"], "赵网格员");
    assert_eq!(done["confirmation"], "thumbprint");
    let (_, b) = zhang
        .get(&format!(
            "/api/v1/council/items/{}",
            ballot_item(app, ballot).await
        ))
        .await;
    let mine = &b["ballots"][0];
    assert_eq!(mine["i_voted"], true);
    assert_eq!(mine["voted_by_proxy"], true);
    assert_eq!(mine["may_vote"], false);
    assert!(
        mine["withdraw_until"].is_null(),
        "hers to keep, not to take back alone"
    );
    let (status, refused) = zhang
        .post(
            &format!("/api/v1/council/ballots/{ballot}/votes"),
            json!({"answer": disagree}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "vote_cast_by_other");
    // A second proxy vote for her is refused too; the count is one.
    let (status, again) = gw
        .post("/api/v1/proxy/actions", proxy(her, ballot, &disagree))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    assert_eq!(again["code"], "vote_cast_by_other");
    let staff = app.login("staff").await;
    let (_, closed) = staff
        .post(
            &format!("/api/v1/council/ballots/{ballot}/close"),
            json!(null),
        )
        .await;
    assert_eq!(closed["counts"]["agree"], 1, "{closed}");
    assert_eq!(closed["counts"]["disagree"], 0);
    assert_eq!(closed["outcome"]["turnout"], 1);

    // The reverse: her own vote first, then one for her is refused.
    let ballot = open_ballot(app, "楼顶防水", later, json!({})).await;
    let (status, _) = zhang
        .post(
            &format!("/api/v1/council/ballots/{ballot}/votes"),
            json!({"answer": agree}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, refused) = gw
        .post("/api/v1/proxy/actions", proxy(her, ballot, &agree))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["code"], "vote_cast_by_other");

    // A ballot whose rules take no proxy votes refuses them.
    let ballot = open_ballot(app, "物业选聘", later, json!({"proxy_allowed": false})).await;
    let (status, refused) = gw
        .post("/api/v1/proxy/actions", proxy(her, ballot, &agree))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["code"], "proxy_not_allowed");
    // The ballot keeps the setting it was opened with.
    let (_, item) = staff
        .get(&format!(
            "/api/v1/council/items/{}",
            ballot_item(app, ballot).await
        ))
        .await;
    assert_eq!(item["ballots"][0]["rules"]["proxy_allowed"], false);

    // A resident cannot act for another; a grid worker not for another grid's resident; a
    // refusal leaves nothing behind.
    let resident = app.login("resident").await;
    let ballot = open_ballot(app, "健身器材", later, json!({})).await;
    let (status, refused) = resident
        .post("/api/v1/proxy/actions", proxy(her, ballot, &agree))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    let admin = app.login("admin").await;
    let grid2 = app.place_id("XF-C01-G2").await;
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"username": "gw2", "display_name": "第二网格员", "password": "linju-demo",
            "roles": ["grid_worker"], "grid_ids": [grid2]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let gw2 = app.login("gw2").await;
    let (status, refused) = gw2
        .post("/api/v1/proxy/actions", proxy(her, ballot, &agree))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["errors"][0]["field"], "resident_id", "{refused}");
    let (_, item) = zhang
        .get(&format!(
            "/api/v1/council/items/{}",
            ballot_item(app, ballot).await
        ))
        .await;
    assert_eq!(item["ballots"][0]["i_voted"], false);

    // Audited: the one proxy vote that went through, with her as the resident (the refused
    // ones left no entry).
    let audit = app.audit("proxy.act").await;
    assert_eq!(audit.len(), 1, "only the vote that counted");
    assert_eq!(audit[0].resident_id, Some(her));
    assert_eq!(audit[0].entity.as_deref(), Some("ballot"));
    let detail: Value = serde_json::from_str(audit[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(
        detail,
        json!({"kind": "proxy", "act": "vote", "confirmation": "thumbprint"})
    );

    // She reads the notice when she next signs in, once.
    let (status, notices) = zhang.get("/api/v1/me/proxy-notices").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notices.as_array().unwrap().len(), 1, "{notices}");
    assert_eq!(notices[0]["actor_name"], "赵网格员");
    assert_eq!(notices[0]["summary"], "小区加装电梯？");
    let ids: Vec<i64> = notices
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_i64().unwrap())
        .collect();
    // Nobody else marks her notices read.
    let (status, _) = resident
        .post("/api/v1/me/proxy-notices/seen", json!({"ids": ids}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, still) = zhang.get("/api/v1/me/proxy-notices").await;
    assert_eq!(still.as_array().unwrap().len(), 1);
    let (status, _) = zhang
        .post("/api/v1/me/proxy-notices/seen", json!({"ids": ids}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, none) = zhang.get("/api/v1/me/proxy-notices").await;
    assert_eq!(none, json!([]));
    // The office and her grid worker see what was done for her.
    let (status, list) = gw
        .get(&format!("/api/v1/proxy/residents/{her}/actions"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list[0]["seen"], true);
}
both!(one_person_one_vote_with_proxy_votes);

async fn ballot_item(app: &TestApp, ballot: i64) -> i64 {
    use sea_orm::EntityTrait;
    server::council::store::ballot::Entity::find_by_id(ballot)
        .one(&app.state.db.conn)
        .await
        .unwrap()
        .unwrap()
        .item_id
}

async fn every_act_for_a_resident_without_a_phone(app: &TestApp) {
    // 瞿桂英 has no account: what is done for her is recorded under her name.
    let gw = app.login("gridworker").await;
    let qu = app.resident_id("瞿桂英").await;
    let act = |act: Value, confirmation: &str| json!({"resident_id": qu, "confirmation": confirmation, "act": act});
    let item = gathering_item(app, "单元门口加坡道").await;
    let (status, s) = gw
        .post(
            "/api/v1/proxy/actions",
            act(json!({"kind": "support", "item_id": item}), "signature"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{s}");
    let (_, v) = gw.get(&format!("/api/v1/council/items/{item}")).await;
    assert_eq!(v["summary"]["support_count"], 1);
    // Once per resident.
    let (status, again) = gw
        .post(
            "/api/v1/proxy/actions",
            act(json!({"kind": "support", "item_id": item}), "oral"),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");

    let (_, meta) = gw.get("/api/v1/cases/meta").await;
    let leaf = meta["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| !c["parent_id"].is_null())
        .unwrap()["id"]
        .clone();
    let building = app.place_id("XF-C01-B0001").await;
    let (status, r) = gw
        .post(
            "/api/v1/proxy/actions",
            act(
                json!({"kind": "report", "case": {"title": "家里水管漏水",
            "category_id": leaf, "urgency": "normal", "source": "patrol", "place_id": building}}),
                "oral",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, c) = gw.get(&format!("/api/v1/cases/{}", r["entity_id"])).await;
    assert_eq!(c["reporter_name"], "瞿桂英", "{c}");
    assert_eq!(
        c["history"][0]["actor_name"], "赵网格员",
        "the history says who filed it"
    );

    let (status, l) = gw
        .post(
            "/api/v1/proxy/actions",
            act(
                json!({"kind": "letter", "letter": {"subject": "想装个扶手",
            "body": "楼梯太陡，希望在楼道里装个扶手。"}}),
                "thumbprint",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{l}");
    assert_eq!(l["entity"], "letter");
    let (status, e) = gw
        .post(
            "/api/v1/proxy/actions",
            act(
                json!({"kind": "errand", "errand_kind": "medicine",
            "description": "帮忙买降压药"}),
                "oral",
            ),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{e}");
    assert_eq!(e["entity"], "errand");

    let (_, list) = gw
        .get(&format!("/api/v1/proxy/residents/{qu}/actions"))
        .await;
    let kinds: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["errand", "letter", "report", "support"]);
    assert_eq!(app.audit("proxy.act").await.len(), 4);
}
both!(every_act_for_a_resident_without_a_phone);
