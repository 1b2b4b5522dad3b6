//! The other areas' records as export rows: visits, errands, meals, mediation files and
//! council items of the statistics page's selection and period, counted by the same
//! conditions as the dashboard's figures of that area.
//!
//! People in care appear under a masked name (张*兰) and the notes of a visit or an errand
//! (health, money) are never exported: they stay on the care pages, read by those who care.
//! Mediation files list no party; council items are public to the residents who may vote.

use super::export::{BATCH, Rows};
use super::service::{At, Selection, during};
use super::sheet::{Cell, Column, Kind};
use crate::care::store::{errand, order, visit};
use crate::council::store::item as citem;
use crate::error::{AppError, AppResult};
use crate::mediation::store::file as mfile;
use crate::places::store::resident;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use shared::care::{ErrandKind, ErrandStatus, MealMode, MealStatus, VisitMethod};
use shared::council::{ItemStage, Tier};
use shared::error::FieldErrorCode;
use shared::i18n::{Lang, Text};
use shared::mediation::{DisputeType, MediationStage};
use shared::stats::{BreakdownBy, ExportKind, Period};
use shared::validate::mask_name;
use std::collections::HashMap;

/// Names an export prints instead of ids.
pub struct Names {
    grids: HashMap<i64, String>,
    categories: HashMap<i64, String>,
    /// The masked names of the people in care of the current batch.
    people: HashMap<i64, String>,
}

impl Names {
    fn grid(&self, id: Option<i64>) -> Cell {
        id.and_then(|g| self.grids.get(&g).cloned())
            .unwrap_or_default()
            .into()
    }

    fn person(&self, resident_id: i64) -> Cell {
        self.people
            .get(&resident_id)
            .cloned()
            .unwrap_or_default()
            .into()
    }

    fn category(&self, id: Option<i64>) -> Cell {
        id.and_then(|c| self.categories.get(&c).cloned())
            .unwrap_or_default()
            .into()
    }
}

/// A code stored as text, in Chinese as the pages show it (the code itself if unknown).
fn word<T>(code: &str, parse: fn(&str) -> Option<T>, text: fn(T) -> Text) -> Cell {
    parse(code)
        .map_or_else(|| code.to_string(), |v| text(v).get(Lang::ZhCn).to_string())
        .into()
}

/// One kind of record: its entity, the columns and how a model becomes a row.
pub trait Record: EntityTrait<Model: Send + Sync> + Send + 'static {
    const ID: Self::Column;
    fn id(m: &Self::Model) -> i64;
    /// The resident the record is about, whose masked name the row shows.
    fn person(_m: &Self::Model) -> Option<i64> {
        None
    }
    fn columns() -> Vec<Column>;
    fn cells(m: &Self::Model, names: &Names) -> Vec<Cell>;
}

impl Record for visit::Entity {
    const ID: visit::Column = visit::Column::Id;
    fn id(m: &visit::Model) -> i64 {
        m.id
    }
    fn person(m: &visit::Model) -> Option<i64> {
        Some(m.resident_id)
    }
    fn columns() -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("走访时间", Moment, 17.0),
            Column::new("网格", Text, 12.0),
            Column::new("走访对象", Text, 10.0),
            Column::new("走访人", Text, 10.0),
            Column::new("方式", Text, 8.0),
        ]
    }
    fn cells(m: &visit::Model, n: &Names) -> Vec<Cell> {
        vec![
            m.visited_at.into(),
            n.grid(Some(m.grid_id)),
            n.person(m.resident_id),
            m.visitor_name.clone().into(),
            word(&m.method, VisitMethod::parse, VisitMethod::text),
        ]
    }
}

impl Record for errand::Entity {
    const ID: errand::Column = errand::Column::Id;
    fn id(m: &errand::Model) -> i64 {
        m.id
    }
    fn person(m: &errand::Model) -> Option<i64> {
        Some(m.resident_id)
    }
    fn columns() -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("提出时间", Moment, 17.0),
            Column::new("网格", Text, 12.0),
            Column::new("服务对象", Text, 10.0),
            Column::new("事项", Text, 10.0),
            Column::new("状态", Text, 8.0),
            Column::new("办理人", Text, 10.0),
            Column::new("更新时间", Moment, 17.0),
        ]
    }
    fn cells(m: &errand::Model, n: &Names) -> Vec<Cell> {
        vec![
            m.created_at.into(),
            n.grid(Some(m.grid_id)),
            n.person(m.resident_id),
            word(&m.kind, ErrandKind::parse, ErrandKind::text),
            word(&m.status, ErrandStatus::parse, ErrandStatus::text),
            m.helper_name.clone().unwrap_or_default().into(),
            m.updated_at.into(),
        ]
    }
}

impl Record for order::Entity {
    const ID: order::Column = order::Column::Id;
    fn id(m: &order::Model) -> i64 {
        m.id
    }
    fn person(m: &order::Model) -> Option<i64> {
        Some(m.resident_id)
    }
    fn columns() -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("日期", Day, 11.0),
            Column::new("网格", Text, 12.0),
            Column::new("用餐对象", Text, 10.0),
            Column::new("方式", Text, 8.0),
            Column::new("状态", Text, 8.0),
            Column::new("送达时间", Moment, 17.0),
            Column::new("送餐人", Text, 10.0),
        ]
    }
    fn cells(m: &order::Model, n: &Names) -> Vec<Cell> {
        vec![
            m.day.into(),
            n.grid(Some(m.grid_id)),
            n.person(m.resident_id),
            word(&m.mode, MealMode::parse, MealMode::text),
            word(&m.status, MealStatus::parse, MealStatus::text),
            m.delivered_at.into(),
            m.delivered_by.clone().unwrap_or_default().into(),
        ]
    }
}

impl Record for mfile::Entity {
    const ID: mfile::Column = mfile::Column::Id;
    fn id(m: &mfile::Model) -> i64 {
        m.id
    }
    fn columns() -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("编号", Text, 18.0),
            Column::new("纠纷类型", Text, 12.0),
            Column::new("网格", Text, 12.0),
            Column::new("阶段", Text, 10.0),
            Column::new("受理时间", Moment, 17.0),
            Column::new("调解期限", Day, 11.0),
            Column::new("协议生效时间", Moment, 17.0),
            Column::new("风险", Text, 6.0),
        ]
    }
    fn cells(m: &mfile::Model, n: &Names) -> Vec<Cell> {
        vec![
            m.number.clone().into(),
            word(&m.dispute_type, DisputeType::parse, DisputeType::text),
            n.grid(m.grid_id),
            word(&m.stage, MediationStage::parse, MediationStage::text),
            m.accepted_at.into(),
            m.deadline.into(),
            m.agreement_effective_at.into(),
            if m.risk { "是" } else { "" }.into(),
        ]
    }
}

impl Record for citem::Entity {
    const ID: citem::Column = citem::Column::Id;
    fn id(m: &citem::Model) -> i64 {
        m.id
    }
    fn columns() -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("事项", Text, 30.0),
            Column::new("类别", Text, 12.0),
            Column::new("网格", Text, 12.0),
            Column::new("议事层级", Text, 10.0),
            Column::new("阶段", Text, 10.0),
            Column::new("支持人数", Count, 8.0),
            Column::new("提出时间", Moment, 17.0),
            Column::new("决定时间", Moment, 17.0),
            Column::new("办结期限", Day, 11.0),
        ]
    }
    fn cells(m: &citem::Model, n: &Names) -> Vec<Cell> {
        vec![
            m.title.clone().into(),
            n.category(m.category_id),
            n.grid(m.grid_id),
            m.tier
                .as_deref()
                .map_or(Cell::Empty, |t| word(t, Tier::parse, Tier::text)),
            word(&m.stage, ItemStage::parse, ItemStage::text),
            u64::try_from(m.support_count).unwrap_or(0).into(),
            m.created_at.into(),
            m.decided_at.into(),
            m.decision_deadline.into(),
        ]
    }
}

/// The records of one kind a filter selects, newest first (by id), a batch at a time.
pub struct Listing<E: Record> {
    filter: Condition,
    after: Option<i64>,
    names: Names,
    kind: std::marker::PhantomData<E>,
}

impl<E: Record> Listing<E> {
    async fn new(conn: &DatabaseConnection, filter: Condition) -> AppResult<Listing<E>> {
        let (grids, categories) = super::export::grid_and_category_names(conn).await?;
        Ok(Listing {
            filter,
            after: None,
            names: Names {
                grids,
                categories,
                people: HashMap::new(),
            },
            kind: std::marker::PhantomData,
        })
    }
}

impl<E: Record> Rows for Listing<E> {
    fn columns(&self) -> Vec<Column> {
        E::columns()
    }

    async fn next_batch(&mut self, conn: &DatabaseConnection) -> AppResult<Vec<Vec<Cell>>> {
        let mut q = E::find().filter(self.filter.clone());
        if let Some(after) = self.after {
            q = q.filter(E::ID.lt(after));
        }
        let models = q.order_by_desc(E::ID).limit(BATCH).all(conn).await?;
        if let Some(last) = models.last() {
            self.after = Some(E::id(last));
        }
        let people: Vec<i64> = models.iter().filter_map(E::person).collect();
        self.names.people = if people.is_empty() {
            HashMap::new()
        } else {
            resident::Entity::find()
                .select_only()
                .column(resident::Column::Id)
                .column(resident::Column::Name)
                .filter(resident::Column::Id.is_in(people))
                .into_tuple::<(i64, String)>()
                .all(conn)
                .await?
                .into_iter()
                .map(|(id, name)| (id, mask_name(&name)))
                .collect()
        };
        Ok(models.iter().map(|m| E::cells(m, &self.names)).collect())
    }
}

/// Any export of the statistics page, whatever its kind.
pub enum AnyRows {
    Cases(super::export::CaseRows),
    Visits(Listing<visit::Entity>),
    Errands(Listing<errand::Entity>),
    Meals(Listing<order::Entity>),
    MediationFiles(Listing<mfile::Entity>),
    CouncilItems(Listing<citem::Entity>),
}

impl Rows for AnyRows {
    fn columns(&self) -> Vec<Column> {
        match self {
            AnyRows::Cases(r) => r.columns(),
            AnyRows::Visits(r) => r.columns(),
            AnyRows::Errands(r) => r.columns(),
            AnyRows::Meals(r) => r.columns(),
            AnyRows::MediationFiles(r) => r.columns(),
            AnyRows::CouncilItems(r) => r.columns(),
        }
    }

    async fn next_batch(&mut self, conn: &DatabaseConnection) -> AppResult<Vec<Vec<Cell>>> {
        match self {
            AnyRows::Cases(r) => r.next_batch(conn).await,
            AnyRows::Visits(r) => r.next_batch(conn).await,
            AnyRows::Errands(r) => r.next_batch(conn).await,
            AnyRows::Meals(r) => r.next_batch(conn).await,
            AnyRows::MediationFiles(r) => r.next_batch(conn).await,
            AnyRows::CouncilItems(r) => r.next_batch(conn).await,
        }
    }
}

async fn listing<E: Record>(
    conn: &DatabaseConnection,
    filter: Condition,
) -> AppResult<(Listing<E>, u64)> {
    let total = E::find().filter(filter.clone()).count(conn).await?;
    Ok((Listing::new(conn, filter).await?, total))
}

/// The records of a kind other than cases the selection and period hold, and how many: the
/// rows the dashboard's figures of that area count (the visits made, the errands asked for
/// or done, the meals of the period's days, the files accepted, the items raised or decided).
/// Cases alone may be narrowed to one breakdown group (`by` and `key`, as `/stats/cases`).
pub async fn of_kind(
    conn: &DatabaseConnection,
    sel: &Selection,
    p: &Period,
    kind: ExportKind,
    by: Option<BreakdownBy>,
    key: Option<&str>,
) -> AppResult<(AnyRows, u64)> {
    if kind != ExportKind::Cases && by.is_some() {
        return Err(AppError::field("by", FieldErrorCode::OutOfRange));
    }
    Ok(match kind {
        ExportKind::Cases => {
            let (rows, total) = super::export::cases(conn, sel, p, by, key).await?;
            (AnyRows::Cases(rows), total)
        }
        ExportKind::Visits => {
            let f = sel
                .records(
                    visit::Column::GridId,
                    At::Resident(visit::Column::ResidentId),
                )
                .add(during(visit::Column::VisitedAt, p));
            let (rows, total) = listing(conn, f).await?;
            (AnyRows::Visits(rows), total)
        }
        ExportKind::Errands => {
            let done = Condition::all()
                .add(errand::Column::Status.is_in([
                    ErrandStatus::Done.as_str(),
                    ErrandStatus::Confirmed.as_str(),
                ]))
                .add(during(errand::Column::UpdatedAt, p));
            let f = sel
                .records(
                    errand::Column::GridId,
                    At::Resident(errand::Column::ResidentId),
                )
                .add(
                    Condition::any()
                        .add(during(errand::Column::CreatedAt, p))
                        .add(done),
                );
            let (rows, total) = listing(conn, f).await?;
            (AnyRows::Errands(rows), total)
        }
        ExportKind::Meals => {
            let f = sel
                .records(
                    order::Column::GridId,
                    At::Resident(order::Column::ResidentId),
                )
                .add(order::Column::Day.between(p.from, p.to));
            let (rows, total) = listing(conn, f).await?;
            (AnyRows::Meals(rows), total)
        }
        ExportKind::MediationFiles => {
            let f = sel
                .records(mfile::Column::GridId, At::Place(mfile::Column::PlaceId))
                .add(during(mfile::Column::AcceptedAt, p));
            let (rows, total) = listing(conn, f).await?;
            (AnyRows::MediationFiles(rows), total)
        }
        ExportKind::CouncilItems => {
            let f = sel
                .records(
                    citem::Column::GridId,
                    At::Place(citem::Column::ScopePlaceId),
                )
                .add(
                    Condition::any()
                        .add(during(citem::Column::CreatedAt, p))
                        .add(during(citem::Column::DecidedAt, p)),
                );
            let (rows, total) = listing(conn, f).await?;
            (AnyRows::CouncilItems(rows), total)
        }
    })
}
