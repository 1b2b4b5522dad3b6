//! The demo community at work, for `make run`: problems reported on patrol and by a resident,
//! registered and dispatched; an agenda item waiting for the deliberation day; the
//! air-conditioner dispute in mediation; 张阿姨 and 瞿奶奶 (the seed's 张秀兰 and 瞿桂英) with their helpers, a visit that
//! found a need, an errand, lunch from the 幸福餐桌 and a letter to the secretary.
//!
//! Told through the HTTP API as the demo users would act, so every rule, permission and
//! audit entry applies exactly as it does for them: the stories cannot make a state the
//! app itself could not reach. Only for a freshly seeded demo (`LINJU_DEMO_STORIES=1`).

use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, header};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::net::SocketAddr;
use time::{Duration, OffsetDateTime};
use tower::ServiceExt;

/// Tell every story once through `app` (the server's router); the first step that the API
/// refuses stops them with its answer.
pub async fn tell(state: &AppState, app: Router) -> Result<(), String> {
    let mut t = Teller {
        app,
        cookies: HashMap::new(),
        password: state.config.demo_password.clone(),
    };
    let town = Town::survey(&mut t).await?;
    cases(&mut t, &town).await?;
    council(&mut t, &town).await?;
    mediation(&mut t, &town).await?;
    care(&mut t, &town).await?;
    tracing::info!("demo stories told");
    Ok(())
}

/// Calls the API in-process as one of the demo users, as their browser would.
struct Teller {
    app: Router,
    cookies: HashMap<&'static str, String>,
    password: String,
}

impl Teller {
    async fn send(
        &mut self,
        who: &'static str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<(u16, Value, Option<String>), String> {
        let mut req = Request::builder()
            .method(method.clone())
            .uri(format!("/api/v1{path}"))
            .header("x-requested-with", "linju-demo-stories")
            .header("sec-fetch-site", "same-origin");
        if let Some(cookie) = self.cookies.get(who) {
            req = req.header(header::COOKIE, cookie);
        }
        let body = match body {
            Some(v) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        let mut req = req.body(body).map_err(|e| e.to_string())?;
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))));
        let res = self
            .app
            .clone()
            .oneshot(req)
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let cookie = res
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_string);
        let bytes = axum::body::to_bytes(res.into_body(), 4 << 20)
            .await
            .map_err(|e| e.to_string())?;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok((status, value, cookie))
    }

    /// One call that must succeed; its JSON answer.
    async fn call(
        &mut self,
        who: &'static str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, String> {
        if !self.cookies.contains_key(who) {
            let login = json!({ "username": who, "password": self.password });
            let (status, answer, cookie) = self
                .send(who, Method::POST, "/auth/login", Some(login))
                .await?;
            match cookie {
                Some(c) if status < 300 => self.cookies.insert(who, c),
                _ => return Err(format!("{who} could not sign in ({status}): {answer}")),
            };
        }
        let (status, answer, _) = self.send(who, method.clone(), path, body).await?;
        if status >= 300 {
            return Err(format!(
                "{who}: {method} {path} answered {status}: {answer}"
            ));
        }
        Ok(answer)
    }

    async fn get(&mut self, who: &'static str, path: &str) -> Result<Value, String> {
        self.call(who, Method::GET, path, None).await
    }

    async fn post(&mut self, who: &'static str, path: &str, body: Value) -> Result<Value, String> {
        self.call(who, Method::POST, path, Some(body)).await
    }

    async fn put(&mut self, who: &'static str, path: &str, body: Value) -> Result<Value, String> {
        self.call(who, Method::PUT, path, Some(body)).await
    }
}

/// A record's id, at the top of its view or in its summary (agenda items).
fn id(v: &Value) -> Result<i64, String> {
    v["id"]
        .as_i64()
        .or_else(|| v["summary"]["id"].as_i64())
        .ok_or_else(|| format!("no id in {v}"))
}

fn version(v: &Value) -> i64 {
    v["version"]
        .as_i64()
        .or_else(|| v["summary"]["version"].as_i64())
        .unwrap_or(1)
}

/// A point inside a place: the mean of its outline's corners (the demo's places are boxes).
fn centre(place: &Value) -> Option<(f64, f64)> {
    let ring = place["geometry"]["coordinates"].get(0)?.as_array()?;
    let pts: Vec<(f64, f64)> = ring
        .iter()
        .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
        .collect();
    let n = pts.len().checked_sub(1).filter(|n| *n > 0)?; // the ring repeats its first corner
    let (x, y) = pts[..n]
        .iter()
        .fold((0.0, 0.0), |(x, y), p| (x + p.0, y + p.1));
    Some((x / n as f64, y / n as f64))
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// The places and people the stories happen among: the first grid (the grid worker's).
struct Town {
    grid: i64,
    micro_grids: Vec<i64>,
    /// The first micro-grid's buildings, with a point inside each.
    buildings: Vec<(i64, (f64, f64))>,
    categories: HashMap<String, i64>,
    parties: Vec<i64>,
    gridworker_id: i64,
    mediator_id: i64,
}

impl Town {
    async fn survey(t: &mut Teller) -> Result<Town, String> {
        let me = t.get("gridworker", "/auth/me").await?;
        let gridworker_id = me["user_id"].as_i64().ok_or("the grid worker has no id")?;
        let grid = me["grid_ids"][0]
            .as_i64()
            .ok_or("the grid worker has no grid")?;
        let micro_grids: Vec<i64> = t
            .get("staff", &format!("/places/{grid}/children"))
            .await?
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_i64())
            .collect();
        let first_micro = *micro_grids.first().ok_or("the grid has no micro-grids")?;
        let mut buildings = Vec::new();
        for b in t
            .get("staff", &format!("/places/{first_micro}/children"))
            .await?
            .as_array()
            .into_iter()
            .flatten()
            .take(3)
        {
            let b = t.get("staff", &format!("/places/{}", id(b)?)).await?;
            if let Some(c) = centre(&b) {
                buildings.push((id(&b)?, c));
            }
        }
        if buildings.len() < 2 {
            return Err("the first micro-grid is too small for the stories".into());
        }
        let meta = t.get("staff", "/cases/meta").await?;
        let categories = meta["categories"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| Some((c["code"].as_str()?.to_string(), c["id"].as_i64()?)))
            .collect();
        let parties = meta["parties"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["id"].as_i64())
            .collect();
        let mediators = t.get("staff", "/mediation/mediators").await?;
        let mediator_id = mediators
            .as_array()
            .into_iter()
            .flatten()
            .find(|m| m["username"].as_str() == Some("mediator"))
            .or_else(|| mediators.get(0))
            .and_then(|m| m["id"].as_i64())
            .ok_or("no mediator")?;
        Ok(Town {
            grid,
            micro_grids,
            buildings,
            categories,
            parties,
            gridworker_id,
            mediator_id,
        })
    }

    fn category(&self, code: &str) -> Result<i64, String> {
        self.categories
            .get(code)
            .copied()
            .ok_or_else(|| format!("no category {code}"))
    }

    /// The one resident of this name the seed put in the grid (an error if none or several).
    async fn seeded_resident(&self, t: &mut Teller, name: &str) -> Result<i64, String> {
        let grid = self.grid.to_string();
        let query = serde_urlencoded::to_string([("q", name), ("place_id", grid.as_str())])
            .map_err(|e| e.to_string())?;
        let found = t.get("staff", &format!("/residents?{query}")).await?;
        let ids: Vec<i64> = found["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| r["name"].as_str() == Some(name))
            .filter_map(|r| r["id"].as_i64())
            .collect();
        match ids[..] {
            [id] => Ok(id),
            _ => Err(format!("the seed has {} residents named {name}", ids.len())),
        }
    }

    fn party(&self) -> Result<i64, String> {
        self.parties
            .first()
            .copied()
            .ok_or("no responsible party".into())
    }
}

/// Reported on patrol and by a resident; the office registers and dispatches.
async fn cases(t: &mut Teller, town: &Town) -> Result<(), String> {
    let report = |title: &str, description: &str, code: &str, source: &str, b: usize| {
        let (building, (lon, lat)) = town.buildings[b];
        Ok::<_, String>(json!({
            "title": title,
            "description": description,
            "category_id": town.category(code)?,
            "urgency": if code == "E-SAF-02" { "urgent" } else { "normal" },
            "source": source,
            "place_id": building,
            "lon": lon,
            "lat": lat,
        }))
    };
    let hole = t
        .post(
            "gridworker",
            "/cases",
            report(
                "巷口路面塌陷出一个坑",
                "1号楼北侧巷口，直径约半米，晚上看不清，老人经过容易绊倒。",
                "C-ROAD-01",
                "patrol",
                0,
            )?,
        )
        .await?;
    let well = t
        .post(
            "gridworker",
            "/cases",
            report(
                "地下车库窨井没有盖板",
                "车库B区靠电梯口的窨井盖板缺失，已临时放了锥桶。",
                "E-SAF-02",
                "patrol",
                1,
            )?,
        )
        .await?;
    t.post(
        "resident",
        "/cases",
        report(
            "楼道里有人从窗口拉线给电动车充电",
            "每天晚上都有，线从三楼窗户垂下来，下雨天很危险。",
            "E-SAF-01",
            "resident_report",
            0,
        )?,
    )
    .await?;
    // The office registers both patrol finds and sends the hole to be mended.
    for case in [&hole, &well] {
        let path = format!("/cases/{}/moves", id(case)?);
        t.post(
            "staff",
            &path,
            json!({ "action": "register", "version": version(case) }),
        )
        .await?;
    }
    let hole = t.get("staff", &format!("/cases/{}", id(&hole)?)).await?;
    t.post(
        "staff",
        &format!("/cases/{}/moves", id(&hole)?),
        json!({
            "action": "dispatch",
            "version": version(&hole),
            "responsible_party_id": town.party()?,
            "assignee_id": town.gridworker_id,
            "note": "请市政养护尽快修补，网格员跟进。",
        }),
    )
    .await?;
    Ok(())
}

/// A resident raises an item; the office makes it a 大事 for the next deliberation day.
async fn council(t: &mut Teller, town: &Town) -> Result<(), String> {
    let item = t
        .post(
            "resident",
            "/council/items",
            json!({
                "title": "晚上广场舞音响太吵，想约定音量和时间",
                "description": "小广场每晚七点到九点半跳舞，音响开得很大，楼上老人和孩子休息不好。希望大家商量一个时间和音量。",
                "scope_place_id": town.grid,
            }),
        )
        .await?;
    let item = t
        .post(
            "staff",
            &format!("/council/items/{}/moves", id(&item)?),
            json!({ "action": "accept", "version": version(&item), "tier": "big" }),
        )
        .await?;
    // The next Saturday evening at the grid's 议事角.
    let from_monday = shared::calendar::today()
        .weekday()
        .number_days_from_monday() as i64;
    let days = match (5 - from_monday).rem_euclid(7) {
        0 => 7,
        d => d,
    };
    // Counted from Beijing's today, at 19:00 Beijing time.
    let starts = time::PrimitiveDateTime::new(
        shared::calendar::today() + Duration::days(days),
        time::macros::time!(19:00),
    )
    .assume_offset(shared::calendar::SHANGHAI);
    let meeting = t
        .post(
            "staff",
            "/council/meetings",
            json!({
                "scope_place_id": town.grid,
                "kind": "regular",
                "title": "网格议事日",
                "venue": "网格议事角（1号楼南侧）",
                "starts_at": rfc3339(starts),
            }),
        )
        .await?;
    t.post(
        "staff",
        &format!("/council/items/{}/moves", id(&item)?),
        json!({ "action": "schedule", "version": version(&item), "meeting_id": id(&meeting)? }),
    )
    .await?;
    Ok(())
}

/// The neighbour's new air-conditioner drips into the applicant's yard.
async fn mediation(t: &mut Teller, town: &Town) -> Result<(), String> {
    let file = t
        .post(
            "staff",
            "/mediation/files",
            json!({
                "title": "空调外机噪音、滴水影响邻居小院",
                "description": "二楼新装的空调外机挂在一楼小院上方，夜间噪音大，冷凝水滴进院子。申请人请社区帮忙调解。",
                "dispute_type": "neighbour",
                "origin": "application",
                "place_id": town.buildings[0].0,
                "parties": [
                    { "side": "applicant", "name": "刘建华", "username": "resident" },
                    { "side": "respondent", "name": "孙国强", "phone": "13800138000" },
                ],
                "mediator_ids": [town.mediator_id],
            }),
        )
        .await?;
    let file_id = id(&file)?;
    for party in file["parties"].as_array().into_iter().flatten() {
        let path = format!("/mediation/parties/{}/consent", id(party)?);
        t.put("mediator", &path, json!({ "agreed": true })).await?;
    }
    let file = t
        .get("mediator", &format!("/mediation/files/{file_id}"))
        .await?;
    t.post(
        "mediator",
        &format!("/mediation/files/{file_id}/moves"),
        json!({ "action": "accept", "version": version(&file) }),
    )
    .await?;
    t.post(
        "mediator",
        &format!("/mediation/files/{file_id}/records"),
        json!({
            "kind": "site_check",
            "text": "到现场查看：外机距一楼院子约2米，排水管未接入落水管，冷凝水直接滴落；夜间运行声音明显。",
        }),
    )
    .await?;
    Ok(())
}

/// 张阿姨 and 瞿奶奶: tagged, paired with helpers, visited; an errand and a lunch.
async fn care(t: &mut Teller, town: &Town) -> Result<(), String> {
    // The seed's own 张秀兰 and 瞿桂英 of the first grid: the stories add nobody.
    let zhang = town.seeded_resident(t, "张秀兰").await?;
    let qu = town.seeded_resident(t, "瞿桂英").await?;
    let start = shared::calendar::today() - Duration::days(60);
    t.post(
        "staff",
        "/care/pairings",
        json!({
            "resident_id": zhang,
            "helper_username": "gridworker",
            "helper_name": "赵网格员",
            "helper_kind": "grid_worker",
            "risk": "high",
            "purpose": "独居，患高血压，行动不便：代购药品、定期上门。",
            "contact_schedule": "每周二上门，每天电话问候",
            "starts_on": start.to_string(),
        }),
    )
    .await?;
    t.post(
        "staff",
        "/care/pairings",
        json!({
            "resident_id": qu,
            "helper_name": "陈阿姨（幸福大姐服务队）",
            "helper_kind": "volunteer",
            "risk": "key",
            "purpose": "八十岁独居：每月走访，节日慰问，幸福餐桌送餐。",
            "contact_schedule": "每月上门一次",
            "starts_on": start.to_string(),
        }),
    )
    .await?;
    // A visit two days ago found the blood-pressure pills running out: an errand.
    t.post(
        "gridworker",
        "/care/visits",
        json!({
            "resident_id": zhang,
            "method": "in_person",
            "visited_at": rfc3339(OffsetDateTime::now_utc() - Duration::days(2)),
            "needs": "降压药还剩三天的量，想请人去社区医院代开。",
            "observations": "精神不错，屋里整洁；冰箱里菜不多。",
            "follow_up": { "type": "errand", "kind": "medicine" },
        }),
    )
    .await?;
    t.put(
        "staff",
        "/care/meals/menus",
        json!({ "day": shared::calendar::today().to_string(), "dishes": "红烧豆腐、清炒菜心、冬瓜排骨汤、米饭" }),
    )
    .await?;
    t.post(
        "staff",
        "/care/meals/enrolments",
        json!({ "resident_id": qu, "mode": "delivery", "deliverer_username": "gridworker", "notes": "少盐，饭要软一些" }),
    )
    .await?;
    t.post(
        "resident",
        "/care/mailbox",
        json!({
            "subject": "建议在小区门口修一条无障碍坡道",
            "body": "书记您好：小区门口只有台阶，推轮椅和婴儿车的邻居进出很不方便，能不能在旁边修一条坡道？",
            "private": false,
        }),
    )
    .await?;
    let _ = &town.micro_grids;
    Ok(())
}
