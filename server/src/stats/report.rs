//! The monthly report (月度工作报告): the dashboard of one month with its tables — cases by
//! week, grid and category, the notable cases, the council's decisions, the disputes by type.
//! The printable page and the workbook (`xlsx`) are drawn from this one answer, so their
//! figures are the dashboard's.

use super::service::{self, At, Selection};
use super::sheet::{Cell, Column, Kind, Table};
use crate::cases::service::summary;
use crate::cases::store::case;
use crate::council::store::item as citem;
use crate::error::AppResult;
use crate::mediation::store::{event as mevent, file as mfile};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::calendar::format_day;
use shared::council::{ItemStage, decision_overdue};
use shared::i18n::Lang;
use shared::mediation::{DisputeType, MediationStage};
use shared::stats::{
    BreakdownBy, BreakdownRow, FigureId, Interval, MediationOutcomes, MonthlyReport, NOTABLE_CASES,
    Period, ReportDecision, ReportWeek, Unit, VisitTally, month_name,
};
use std::collections::HashMap;
use time::OffsetDateTime;

pub async fn monthly(
    conn: &impl ConnectionTrait,
    sel: Selection,
    month: Period,
) -> AppResult<MonthlyReport> {
    let now = OffsetDateTime::now_utc();
    let mut weeks = Vec::new();
    for w in month.buckets(Interval::Week) {
        let c = service::case_counts(
            conn,
            &sel.cases,
            &w,
            now,
            &[FigureId::CasesReported, FigureId::CasesClosed],
        )
        .await?;
        weeks.push(ReportWeek {
            period: w,
            reported: c.reported,
            closed: c.closed,
        });
    }
    let by_grid = service::breakdown(conn, &sel, month, BreakdownBy::Grid)
        .await?
        .rows;
    let by_category = service::breakdown(conn, &sel, month, BreakdownBy::Category)
        .await?
        .rows;
    let notable_cases = case::Entity::find()
        .filter(sel.cases.clone())
        .filter(service::during(case::Column::CreatedAt, &month))
        .filter(case::Column::DeadlineAt.lt(service::utc(now)))
        .filter(case::Column::Stage.is_in(service::running_stages()))
        .order_by_asc(case::Column::DeadlineAt)
        .order_by_asc(case::Column::Id)
        .limit(NOTABLE_CASES)
        .all(conn)
        .await?
        .iter()
        .map(|m| summary(m, now))
        .collect();
    let decisions = decisions(conn, &sel, &month).await?;
    let mediation = mediation(conn, &sel, &month).await?;
    let dashboard = service::dashboard(conn, sel, month).await?;
    Ok(MonthlyReport {
        month: month_name(&month),
        dashboard,
        weeks,
        by_grid,
        by_category,
        notable_cases,
        decisions,
        mediation,
    })
}

/// Council items decided in the month, in the order decided.
async fn decisions(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    month: &Period,
) -> AppResult<Vec<ReportDecision>> {
    let today = crate::clock::today();
    Ok(citem::Entity::find()
        .filter(sel.records(
            citem::Column::GridId,
            At::Place(citem::Column::ScopePlaceId),
        ))
        .filter(service::during(citem::Column::DecidedAt, month))
        .order_by_asc(citem::Column::DecidedAt)
        .order_by_asc(citem::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|i| {
            let stage = ItemStage::parse(&i.stage).unwrap_or(ItemStage::Decided);
            ReportDecision {
                item_id: i.id,
                title: i.title,
                decided_at: i.decided_at.unwrap_or(i.updated_at),
                deadline: i.decision_deadline,
                stage,
                overdue: i
                    .decision_deadline
                    .is_some_and(|d| decision_overdue(stage, d, today)),
            }
        })
        .collect())
}

/// The month's disputes by type: accepted, agreed, failed and performed, each by its own
/// moment as the figures count them (so the columns add up to the headline figures).
async fn mediation(
    conn: &impl ConnectionTrait,
    sel: &Selection,
    month: &Period,
) -> AppResult<Vec<MediationOutcomes>> {
    let files = sel.records(mfile::Column::GridId, At::Place(mfile::Column::PlaceId));
    let type_of = |c: Condition| {
        mfile::Entity::find()
            .select_only()
            .column(mfile::Column::Id)
            .column(mfile::Column::DisputeType)
            .filter(c)
            .into_tuple::<(i64, String)>()
            .all(conn)
    };
    let accepted = type_of(
        files
            .clone()
            .add(service::during(mfile::Column::AcceptedAt, month)),
    )
    .await?;
    let agreed = type_of(
        files
            .clone()
            .add(service::during(mfile::Column::AgreementEffectiveAt, month)),
    )
    .await?;
    let moved = |stage: MediationStage| {
        let in_scope = Query::select()
            .column(mfile::Column::Id)
            .from(mfile::Entity)
            .cond_where(files.clone())
            .to_owned();
        let during_month = Query::select()
            .column(mevent::Column::FileId)
            .from(mevent::Entity)
            .and_where(mevent::Column::ToStage.eq(stage.as_str()))
            .and_where(mevent::Column::At.gte(service::utc(month.start())))
            .and_where(mevent::Column::At.lt(service::utc(month.end())))
            .and_where(mevent::Column::FileId.in_subquery(in_scope))
            .to_owned();
        type_of(Condition::all().add(mfile::Column::Id.in_subquery(during_month)))
    };
    let failed = moved(MediationStage::Failed).await?;
    let performed = moved(MediationStage::Closed).await?;
    let tally = |list: Vec<(i64, String)>| {
        let mut by_type: HashMap<DisputeType, u64> = HashMap::new();
        for (_, t) in list {
            *by_type
                .entry(DisputeType::parse(&t).unwrap_or(DisputeType::Other))
                .or_default() += 1;
        }
        by_type
    };
    let (accepted, agreed, failed, performed) = (
        tally(accepted),
        tally(agreed),
        tally(failed),
        tally(performed),
    );
    let of = |m: &HashMap<DisputeType, u64>, t| m.get(&t).copied().unwrap_or(0);
    Ok(DisputeType::ALL
        .into_iter()
        .map(|t| MediationOutcomes {
            dispute_type: t,
            accepted: of(&accepted, t),
            agreed: of(&agreed, t),
            failed: of(&failed, t),
            performed: of(&performed, t),
        })
        .filter(|r| r.accepted + r.agreed + r.failed + r.performed > 0)
        .collect())
}

/// The report as tables, one sheet each, in Chinese (the street office's language).
pub fn tables(r: &MonthlyReport) -> Vec<Table> {
    use Kind::*;
    let zh = Lang::ZhCn;
    let d = &r.dashboard;
    let scope = d.scope.name.clone().unwrap_or_else(|| "全部".to_string());
    let title = |what: &str| {
        Some(format!(
            "{} 月度工作报告 · {what} · {scope}（{} 至 {}）",
            r.month,
            format_day(d.period.from),
            format_day(d.period.to)
        ))
    };
    let figure_cell = |unit: Unit, v: Option<f64>| match (unit, v) {
        (_, None) => Cell::Empty,
        (Unit::Ratio, Some(v)) => Cell::Share(v),
        (Unit::Hours, Some(v)) => Cell::Decimal(v),
        (_, Some(v)) => Cell::Number(v),
    };
    let figures = Table {
        name: "主要指标".into(),
        title: title("主要指标"),
        columns: vec![
            Column::new("板块", Text, 12.0),
            Column::new("指标", Text, 18.0),
            Column::new("本月", Count, 12.0),
            Column::new("上月", Count, 12.0),
            Column::new("去年同期", Count, 12.0),
            Column::new("单位", Text, 8.0),
            Column::new("计算方法", Text, 70.0),
        ],
        rows: d
            .figures
            .iter()
            .map(|f| {
                let def = f.id.definition();
                vec![
                    f.id.group().text().get(zh).into(),
                    def.name.get(zh).into(),
                    figure_cell(def.unit, f.value),
                    figure_cell(def.unit, f.previous),
                    figure_cell(def.unit, f.last_year),
                    def.unit.text().get(zh).into(),
                    def.formula.get(zh).into(),
                ]
            })
            .collect(),
    };
    let weeks = Table {
        name: "每周趋势".into(),
        title: title("每周上报与结案"),
        columns: vec![
            Column::new("起", Day, 12.0),
            Column::new("止", Day, 12.0),
            Column::new("上报事件", Count, 10.0),
            Column::new("结案事件", Count, 10.0),
        ],
        rows: r
            .weeks
            .iter()
            .map(|w| {
                vec![
                    w.period.from.into(),
                    w.period.to.into(),
                    w.reported.into(),
                    w.closed.into(),
                ]
            })
            .collect(),
    };
    let breakdown = |name: &str, what: &str, rows: &[BreakdownRow]| Table {
        name: name.into(),
        title: title(what),
        columns: vec![
            Column::new(what, Text, 20.0),
            Column::new("上报", Count, 10.0),
            Column::new("已结案", Count, 10.0),
            Column::new("当前超期", Count, 10.0),
        ],
        rows: rows
            .iter()
            .map(|row| {
                let name = if row.name.is_empty() {
                    "未指定".to_string()
                } else {
                    row.name.clone()
                };
                vec![
                    name.into(),
                    row.reported.into(),
                    row.closed.into(),
                    row.overdue.into(),
                ]
            })
            .collect(),
    };
    let by_grid = breakdown("按网格", "网格", &r.by_grid);
    let by_category = breakdown("按类别", "类别", &r.by_category);
    let times = Table {
        name: "办结时长".into(),
        title: title("各类别办结时长"),
        columns: vec![
            Column::new("类别", Text, 20.0),
            Column::new("结案数", Count, 10.0),
            Column::new("平均（小时）", Decimal, 14.0),
            Column::new("90%（小时）", Decimal, 14.0),
        ],
        rows: d
            .by_category
            .iter()
            .map(|c| {
                vec![
                    c.name.clone().into(),
                    c.closed.into(),
                    c.avg_hours.into(),
                    c.p90_hours.into(),
                ]
            })
            .collect(),
    };
    let visits = Table {
        name: "特殊群体走访".into(),
        title: title("各特殊群体走访情况"),
        columns: vec![
            Column::new("特殊群体", Text, 14.0),
            Column::new("应走访", Count, 10.0),
            Column::new("按期走访", Count, 10.0),
            Column::new("按期率", Ratio, 10.0),
        ],
        rows: d
            .visits_by_group
            .iter()
            .map(|g| {
                let t = VisitTally {
                    due: g.due,
                    on_schedule: g.on_schedule,
                };
                vec![
                    g.group.map_or("未标注群体", |g| g.text().get(zh)).into(),
                    g.due.into(),
                    g.on_schedule.into(),
                    t.rate().into(),
                ]
            })
            .collect(),
    };
    let mediation = Table {
        name: "调解情况".into(),
        title: title("矛盾纠纷调解"),
        columns: vec![
            Column::new("纠纷类型", Text, 14.0),
            Column::new("受理", Count, 8.0),
            Column::new("达成协议", Count, 10.0),
            Column::new("调解不成", Count, 10.0),
            Column::new("履行结案", Count, 10.0),
        ],
        rows: r
            .mediation
            .iter()
            .map(|m| {
                vec![
                    m.dispute_type.text().get(zh).into(),
                    m.accepted.into(),
                    m.agreed.into(),
                    m.failed.into(),
                    m.performed.into(),
                ]
            })
            .collect(),
    };
    let decisions = Table {
        name: "议事决定".into(),
        title: title("本月议事决定及落实"),
        columns: vec![
            Column::new("事项", Text, 30.0),
            Column::new("决定时间", Moment, 17.0),
            Column::new("期限", Day, 12.0),
            Column::new("状态", Text, 10.0),
            Column::new("超期", Text, 6.0),
        ],
        rows: r
            .decisions
            .iter()
            .map(|x| {
                vec![
                    x.title.clone().into(),
                    x.decided_at.into(),
                    x.deadline.into(),
                    x.stage.text().get(zh).into(),
                    if x.overdue { "是" } else { "" }.into(),
                ]
            })
            .collect(),
    };
    let category_names: HashMap<i64, &str> = r
        .by_category
        .iter()
        .filter_map(|c| Some((c.key_id?, c.name.as_str())))
        .collect();
    let notable = Table {
        name: "重点事件".into(),
        title: title("本月上报、现已超期未办结的事件"),
        columns: vec![
            Column::new("编号", Text, 16.0),
            Column::new("标题", Text, 30.0),
            Column::new("类别", Text, 14.0),
            Column::new("状态", Text, 10.0),
            Column::new("上报时间", Moment, 17.0),
            Column::new("期限", Moment, 17.0),
        ],
        rows: r
            .notable_cases
            .iter()
            .map(|c| {
                vec![
                    c.number.clone().into(),
                    c.title.clone().into(),
                    category_names
                        .get(&c.category_id)
                        .copied()
                        .unwrap_or_default()
                        .into(),
                    c.stage.text().get(zh).into(),
                    c.created_at.into(),
                    c.deadline_at.into(),
                ]
            })
            .collect(),
    };
    vec![
        figures,
        weeks,
        by_grid,
        by_category,
        times,
        visits,
        mediation,
        decisions,
        notable,
    ]
}
