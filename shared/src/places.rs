//! The grid hierarchy: street → community → grid → micro-grid → building → household, and
//! the residents who live in households. The base data every later area refers to.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::geo::{self, CheckedGeometry, GeometryType};
use crate::i18n::{Lang, Text};
use crate::validate::{Code, IdCardNumber, Name, Phone, optional_text};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Street,
    Community,
    Grid,
    MicroGrid,
    Building,
    Household,
}

impl PlaceKind {
    pub const ALL: [PlaceKind; 6] = [
        PlaceKind::Street,
        PlaceKind::Community,
        PlaceKind::Grid,
        PlaceKind::MicroGrid,
        PlaceKind::Building,
        PlaceKind::Household,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Street => "street",
            PlaceKind::Community => "community",
            PlaceKind::Grid => "grid",
            PlaceKind::MicroGrid => "micro_grid",
            PlaceKind::Building => "building",
            PlaceKind::Household => "household",
        }
    }

    pub fn parse(s: &str) -> Option<PlaceKind> {
        PlaceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The level a place of this kind must hang under; streets are the roots.
    pub fn parent(self) -> Option<PlaceKind> {
        match self {
            PlaceKind::Street => None,
            PlaceKind::Community => Some(PlaceKind::Street),
            PlaceKind::Grid => Some(PlaceKind::Community),
            PlaceKind::MicroGrid => Some(PlaceKind::Grid),
            PlaceKind::Building => Some(PlaceKind::MicroGrid),
            PlaceKind::Household => Some(PlaceKind::Building),
        }
    }

    pub fn child(self) -> Option<PlaceKind> {
        PlaceKind::ALL
            .into_iter()
            .find(|k| k.parent() == Some(self))
    }

    /// Households and residents are people's data; everything above is public structure.
    pub fn holds_people(self) -> bool {
        self == PlaceKind::Household
    }

    /// The shapes a place of this kind may carry.
    pub fn geometry_types(self) -> &'static [GeometryType] {
        match self {
            PlaceKind::Street | PlaceKind::Community | PlaceKind::Grid | PlaceKind::MicroGrid => {
                &[GeometryType::Polygon, GeometryType::MultiPolygon]
            }
            PlaceKind::Building => &[GeometryType::Point, GeometryType::Polygon],
            PlaceKind::Household => &[],
        }
    }

    pub fn text(self) -> Text {
        match self {
            PlaceKind::Street => Text::new("街道", "Street"),
            PlaceKind::Community => Text::new("社区", "Community"),
            PlaceKind::Grid => Text::new("网格", "Grid"),
            PlaceKind::MicroGrid => Text::new("微网格", "Micro-grid"),
            PlaceKind::Building => Text::new("楼栋", "Building"),
            PlaceKind::Household => Text::new("户", "Household"),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }
}

/// Titles of the people who lead a level of the hierarchy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LeaderTitle {
    /// 网格长
    GridLeader,
    /// 微网格长
    MicroGridLeader,
    /// 楼栋长
    BuildingLeader,
    /// 楼院长
    CourtyardLeader,
    /// 网格党支部书记
    PartySecretary,
}

impl LeaderTitle {
    pub const ALL: [LeaderTitle; 5] = [
        LeaderTitle::GridLeader,
        LeaderTitle::MicroGridLeader,
        LeaderTitle::BuildingLeader,
        LeaderTitle::CourtyardLeader,
        LeaderTitle::PartySecretary,
    ];

    pub fn text(self) -> Text {
        match self {
            LeaderTitle::GridLeader => Text::new("网格长", "Grid leader"),
            LeaderTitle::MicroGridLeader => Text::new("微网格长", "Micro-grid leader"),
            LeaderTitle::BuildingLeader => Text::new("楼栋长", "Building leader"),
            LeaderTitle::CourtyardLeader => Text::new("楼院长", "Courtyard leader"),
            LeaderTitle::PartySecretary => Text::new("党支部书记", "Party branch secretary"),
        }
    }

    /// The levels at which this title exists.
    pub fn fits(self, kind: PlaceKind) -> bool {
        match self {
            LeaderTitle::GridLeader => kind == PlaceKind::Grid,
            LeaderTitle::MicroGridLeader => kind == PlaceKind::MicroGrid,
            LeaderTitle::BuildingLeader | LeaderTitle::CourtyardLeader => {
                kind == PlaceKind::Building
            }
            LeaderTitle::PartySecretary => matches!(kind, PlaceKind::Community | PlaceKind::Grid),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Leader {
    pub title: LeaderTitle,
    pub name: String,
    /// The leader's account, when they have one.
    #[serde(default)]
    pub user_id: Option<i64>,
}

/// A short reference to a place, for breadcrumbs and links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRef {
    pub id: i64,
    pub kind: PlaceKind,
    pub code: String,
    pub name: String,
}

/// One place with what a browsing page shows about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceView {
    pub id: i64,
    pub kind: PlaceKind,
    pub parent_id: Option<i64>,
    /// The grid this place lies in (itself for a grid); none above grid level.
    pub grid_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    /// GeoJSON geometry (WGS-84).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub geometry: Option<Value>,
    pub leaders: Vec<Leader>,
    /// Direct children (grids of a community, buildings of a micro-grid …).
    pub child_count: u64,
    /// From the street down to this place's parent.
    pub path: Vec<PlaceRef>,
    pub version: i64,
}

/// A new place. `parent_id` must name a place of the level above.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePlace {
    pub kind: PlaceKind,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub geometry: Option<Value>,
    #[serde(default)]
    pub leaders: Vec<Leader>,
}

/// Changes to a place; `version` is the version the editor saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdatePlace {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub geometry: Option<Value>,
    #[serde(default)]
    pub leaders: Vec<Leader>,
    pub version: i64,
}

/// The checked content of a place, whether created or updated.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidPlace {
    pub code: Code,
    pub name: Name,
    pub address: Option<String>,
    pub geometry: Option<(Value, CheckedGeometry)>,
    pub leaders: Vec<Leader>,
}

/// Check a place's fields for its level. `parent_kind` is the kind of the named parent as
/// the database knows it (None when there is no parent or it does not exist).
pub fn validate_place(
    kind: PlaceKind,
    parent_kind: Option<PlaceKind>,
    code: &str,
    name: &str,
    address: Option<&str>,
    geometry: Option<&Value>,
    leaders: &[Leader],
) -> Result<ValidPlace, FieldErrors> {
    let mut errs = FieldErrors::new();
    if parent_kind != kind.parent() {
        let code = match (kind.parent(), parent_kind) {
            (Some(_), None) => FieldErrorCode::Required,
            (None, Some(_)) => FieldErrorCode::NotAllowed,
            _ => FieldErrorCode::InvalidParent,
        };
        errs.add("parent_id", code);
    }
    let code = errs.check("code", Code::parse(code));
    let name = errs.check("name", Name::parse(name));
    let address = errs.check("address", optional_text(address, 200)).flatten();
    let geometry = match geometry.filter(|g| !g.is_null()) {
        None => None,
        Some(g) => errs
            .check("geometry", geo::check_geometry(g, kind.geometry_types()))
            .map(|c| (g.clone(), c)),
    };
    let mut clean_leaders = Vec::new();
    for (i, l) in leaders.iter().enumerate() {
        if !l.title.fits(kind) {
            errs.add(format!("leaders/{i}/title"), FieldErrorCode::NotAllowed);
        }
        if let Some(n) = errs.check(&format!("leaders/{i}/name"), Name::parse(&l.name)) {
            clean_leaders.push(Leader {
                title: l.title,
                name: n.into_string(),
                user_id: l.user_id,
            });
        }
    }
    errs.into_result()?;
    Ok(ValidPlace {
        code: code.expect("checked"),
        name: name.expect("checked"),
        address,
        geometry,
        leaders: clean_leaders,
    })
}

/// Special groups a resident may belong to. Health and family facts: sensitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SpecialGroup {
    /// 独居
    LivingAlone,
    /// 高龄 (80+)
    Elderly,
    /// 空巢
    EmptyNest,
    /// 失独
    LostOnlyChild,
    /// 残疾
    Disabled,
    /// 低保
    LowIncome,
    /// 慢性病
    ChronicIllness,
    /// 留守儿童
    LeftBehindChild,
}

impl SpecialGroup {
    pub const ALL: [SpecialGroup; 8] = [
        SpecialGroup::LivingAlone,
        SpecialGroup::Elderly,
        SpecialGroup::EmptyNest,
        SpecialGroup::LostOnlyChild,
        SpecialGroup::Disabled,
        SpecialGroup::LowIncome,
        SpecialGroup::ChronicIllness,
        SpecialGroup::LeftBehindChild,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SpecialGroup::LivingAlone => "living_alone",
            SpecialGroup::Elderly => "elderly",
            SpecialGroup::EmptyNest => "empty_nest",
            SpecialGroup::LostOnlyChild => "lost_only_child",
            SpecialGroup::Disabled => "disabled",
            SpecialGroup::LowIncome => "low_income",
            SpecialGroup::ChronicIllness => "chronic_illness",
            SpecialGroup::LeftBehindChild => "left_behind_child",
        }
    }

    pub fn parse(s: &str) -> Option<SpecialGroup> {
        SpecialGroup::ALL.into_iter().find(|g| g.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            SpecialGroup::LivingAlone => Text::new("独居", "Living alone"),
            SpecialGroup::Elderly => Text::new("高龄", "Aged 80+"),
            SpecialGroup::EmptyNest => Text::new("空巢", "Empty nest"),
            SpecialGroup::LostOnlyChild => Text::new("失独", "Lost only child"),
            SpecialGroup::Disabled => Text::new("残疾", "Disabled"),
            SpecialGroup::LowIncome => Text::new("低保", "Minimum living allowance"),
            SpecialGroup::ChronicIllness => Text::new("慢性病", "Chronic illness"),
            SpecialGroup::LeftBehindChild => Text::new("留守儿童", "Left-behind child"),
        }
    }
}

/// A resident as lists show them: identity numbers and phone masked, no special-group tags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentView {
    pub id: i64,
    pub household_id: i64,
    pub grid_id: i64,
    pub name: String,
    pub id_number_masked: Option<String>,
    pub phone_masked: Option<String>,
    /// The household's address, e.g. `幸福社区 3栋 2单元 501`.
    pub address: String,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// Has a care record (关爱档案): a pairing, visit, errand or meal enrolment. Whether the
    /// reader may open it is `shared::care::may_care_for`.
    #[serde(default)]
    pub in_care: bool,
}

/// The full, sensitive record. Every response carrying one is an audited read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentSensitive {
    pub id: i64,
    /// From the identity number; with the masked number it would narrow the number down, so
    /// it is only part of the full record.
    pub birth_year: Option<u16>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub special_groups: Vec<SpecialGroup>,
    /// Each tag with why it was set, by whom and when (the same tags as `special_groups`).
    #[serde(default)]
    pub group_records: Vec<SpecialGroupRecord>,
}

/// One special-group tag as recorded: the purpose of the processing stated when it was set.
/// Tags set before purposes were recorded (seed data, imports) have none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpecialGroupRecord {
    pub group: SpecialGroup,
    pub purpose: Option<GroupPurpose>,
    pub purpose_note: Option<String>,
    pub set_by_name: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub set_at: Option<OffsetDateTime>,
}

/// A new resident or changes to one (`version` required on update).
///
/// The sensitive fields follow "absent means unchanged", so a name can be corrected without
/// reading (and auditing) the full record: on update, a missing `id_number`, `phone` or
/// `special_groups` keeps the stored value, an empty string or list clears it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResidentInput {
    pub household_id: i64,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_groups: Option<Vec<SpecialGroup>>,
    /// Why the special-group tags are set or changed; required whenever they change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_purpose: Option<GroupPurpose>,
    /// Words to the purpose; required with `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_purpose_note: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

/// A change to one optional field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    /// The value after the change, given the stored one.
    pub fn apply(self, current: Option<T>) -> Option<T> {
        match self {
            Change::Keep => current,
            Change::Clear => None,
            Change::Set(v) => Some(v),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidResident {
    pub household_id: i64,
    pub name: Name,
    pub id_number: Change<IdCardNumber>,
    pub phone: Change<Phone>,
    /// None: keep the stored groups.
    pub special_groups: Option<Vec<SpecialGroup>>,
    /// The stated purpose of a change to the groups, when one was given.
    pub groups_purpose: Option<Purpose<GroupPurpose>>,
}

/// A change to a resident's special-group tags, with its purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupsChange {
    pub added: Vec<SpecialGroup>,
    pub removed: Vec<SpecialGroup>,
    pub purpose: Purpose<GroupPurpose>,
}

impl ValidResident {
    /// What the input does to the tags stored now (`before`): nothing (`None`), or a change
    /// that must carry a purpose — without one the field `groups_purpose` is required.
    pub fn groups_change(
        &self,
        before: &[SpecialGroup],
    ) -> Result<Option<GroupsChange>, FieldErrors> {
        let Some(after) = &self.special_groups else {
            return Ok(None);
        };
        let added: Vec<SpecialGroup> = after
            .iter()
            .filter(|g| !before.contains(g))
            .copied()
            .collect();
        let mut removed: Vec<SpecialGroup> = before
            .iter()
            .filter(|g| !after.contains(g))
            .copied()
            .collect();
        removed.sort();
        removed.dedup();
        if added.is_empty() && removed.is_empty() {
            return Ok(None);
        }
        match &self.groups_purpose {
            Some(p) => Ok(Some(GroupsChange {
                added,
                removed,
                purpose: p.clone(),
            })),
            None => {
                let mut errs = FieldErrors::new();
                errs.add("groups_purpose", FieldErrorCode::Required);
                Err(errs)
            }
        }
    }
}

fn change<T>(
    s: Option<&str>,
    parse: fn(&str) -> Result<T, FieldErrorCode>,
) -> Result<Change<T>, FieldErrorCode> {
    match s.map(str::trim) {
        None => Ok(Change::Keep),
        Some("") => Ok(Change::Clear),
        Some(t) => parse(t).map(Change::Set),
    }
}

pub fn validate_resident(input: &ResidentInput) -> Result<ValidResident, FieldErrors> {
    let mut errs = FieldErrors::new();
    let name = errs.check("name", Name::parse(&input.name));
    let id_number = errs.check(
        "id_number",
        change(input.id_number.as_deref(), IdCardNumber::parse),
    );
    let phone = errs.check("phone", change(input.phone.as_deref(), Phone::parse));
    let groups = input.special_groups.clone().map(|mut g| {
        g.sort();
        g.dedup();
        g
    });
    let groups_purpose = check_purpose(
        &mut errs,
        input.groups_purpose,
        input.groups_purpose_note.as_deref(),
        ("groups_purpose", "groups_purpose_note"),
        false,
    );
    errs.into_result()?;
    Ok(ValidResident {
        household_id: input.household_id,
        name: name.expect("checked"),
        id_number: id_number.expect("checked"),
        phone: phone.expect("checked"),
        special_groups: groups,
        groups_purpose,
    })
}

/// The longest note to a stated purpose, in characters.
pub const PURPOSE_NOTE_MAX: usize = 100;

/// A list of purposes to choose from; `Other` needs words.
pub trait PurposeKind: Copy + Eq {
    fn as_str(self) -> &'static str;
    fn text(self) -> Text;
    fn is_other(self) -> bool;
}

/// A checked purpose: a choice from the list and, optionally (always with "other"), words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purpose<K> {
    pub kind: K,
    pub note: Option<String>,
}

impl<K: PurposeKind> Purpose<K> {
    /// "走访：王奶奶复诊" — the choice in the reader's language, then the words.
    pub fn describe(&self, lang: Lang) -> String {
        describe_purpose(self.kind.text(), self.note.as_deref(), lang)
    }
}

fn describe_purpose(kind: Text, note: Option<&str>, lang: Lang) -> String {
    match (note, lang) {
        (None, _) => kind.get(lang).to_string(),
        (Some(n), Lang::ZhCn) => format!("{}：{n}", kind.get(lang)),
        (Some(n), Lang::En) => format!("{}: {n}", kind.get(lang)),
    }
}

/// Check a purpose given as a choice and a note; `required` says whether a missing choice is
/// an error (a missing one is fine where nothing needs a purpose). Errors go to the two fields.
fn check_purpose<K: PurposeKind>(
    errs: &mut FieldErrors,
    kind: Option<K>,
    note: Option<&str>,
    (kind_field, note_field): (&str, &str),
    required: bool,
) -> Option<Purpose<K>> {
    let note = errs.check(note_field, optional_text(note, PURPOSE_NOTE_MAX));
    match (kind, note) {
        (None, _) => {
            if required {
                errs.add(kind_field, FieldErrorCode::Required);
            }
            None
        }
        (Some(_), None) => None,
        (Some(k), Some(None)) if k.is_other() => {
            errs.add(note_field, FieldErrorCode::Required);
            None
        }
        (Some(kind), Some(note)) => Some(Purpose { kind, note }),
    }
}

/// Why someone opens a resident's full record (查看目的). Asked before every reveal and kept
/// in the audit log with the read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RevealPurpose {
    /// 查看帮扶对象
    CareRecipient,
    /// 走访
    Visit,
    /// 配餐
    Meals,
    /// 调解
    Mediation,
    /// 其他 (with words)
    Other,
}

impl RevealPurpose {
    pub const ALL: [RevealPurpose; 5] = [
        RevealPurpose::CareRecipient,
        RevealPurpose::Visit,
        RevealPurpose::Meals,
        RevealPurpose::Mediation,
        RevealPurpose::Other,
    ];

    pub fn parse(s: &str) -> Option<RevealPurpose> {
        RevealPurpose::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl PurposeKind for RevealPurpose {
    fn as_str(self) -> &'static str {
        match self {
            RevealPurpose::CareRecipient => "care_recipient",
            RevealPurpose::Visit => "visit",
            RevealPurpose::Meals => "meals",
            RevealPurpose::Mediation => "mediation",
            RevealPurpose::Other => "other",
        }
    }

    fn text(self) -> Text {
        match self {
            RevealPurpose::CareRecipient => Text::new("查看帮扶对象", "Someone in my care"),
            RevealPurpose::Visit => Text::new("走访", "Home visit"),
            RevealPurpose::Meals => Text::new("配餐", "Meal service"),
            RevealPurpose::Mediation => Text::new("调解", "Mediation"),
            RevealPurpose::Other => Text::new("其他", "Other"),
        }
    }

    fn is_other(self) -> bool {
        self == RevealPurpose::Other
    }
}

/// The purpose of processing special-group tags (处理目的, PIPL Art. 28): stated whenever
/// tags are set or removed, and kept with each tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupPurpose {
    /// 一对一帮扶
    Pairing,
    /// 幸福餐桌配餐
    Meals,
    /// 走访关怀
    Visits,
    /// 其他 (with words)
    Other,
}

impl GroupPurpose {
    pub const ALL: [GroupPurpose; 4] = [
        GroupPurpose::Pairing,
        GroupPurpose::Meals,
        GroupPurpose::Visits,
        GroupPurpose::Other,
    ];

    pub fn parse(s: &str) -> Option<GroupPurpose> {
        GroupPurpose::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl PurposeKind for GroupPurpose {
    fn as_str(self) -> &'static str {
        match self {
            GroupPurpose::Pairing => "pairing",
            GroupPurpose::Meals => "meals",
            GroupPurpose::Visits => "visits",
            GroupPurpose::Other => "other",
        }
    }

    fn text(self) -> Text {
        match self {
            GroupPurpose::Pairing => Text::new("一对一帮扶", "One-to-one help"),
            GroupPurpose::Meals => Text::new("幸福餐桌配餐", "Community meals"),
            GroupPurpose::Visits => Text::new("走访关怀", "Care visits"),
            GroupPurpose::Other => Text::new("其他", "Other"),
        }
    }

    fn is_other(self) -> bool {
        self == GroupPurpose::Other
    }
}

/// Opening a resident's full record: the purpose is required.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevealRequest {
    #[serde(default)]
    pub purpose: Option<RevealPurpose>,
    /// Up to 100 characters; required with `other`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

pub fn validate_reveal(input: &RevealRequest) -> Result<Purpose<RevealPurpose>, FieldErrors> {
    let mut errs = FieldErrors::new();
    let p = check_purpose(
        &mut errs,
        input.purpose,
        input.note.as_deref(),
        ("purpose", "note"),
        true,
    );
    errs.into_result()?;
    Ok(p.expect("checked"))
}

/// The detail of the audit entries `resident.reveal` and `resident.groups` (JSON): the purpose
/// stated, and for tag changes which tags were added and removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeDetail {
    pub purpose: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<SpecialGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<SpecialGroup>,
}

impl PurposeDetail {
    pub fn reveal(p: &Purpose<RevealPurpose>) -> PurposeDetail {
        PurposeDetail {
            purpose: p.kind.as_str().to_string(),
            note: p.note.clone(),
            added: Vec::new(),
            removed: Vec::new(),
        }
    }

    pub fn groups(c: &GroupsChange) -> PurposeDetail {
        PurposeDetail {
            purpose: c.purpose.kind.as_str().to_string(),
            note: c.purpose.note.clone(),
            added: c.added.clone(),
            removed: c.removed.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("plain data")
    }

    /// The purpose in an audit entry of `action`, if it carries one.
    pub fn of_entry(action: &str, detail: Option<&str>) -> Option<PurposeDetail> {
        if !matches!(action, "resident.reveal" | "resident.groups") {
            return None;
        }
        serde_json::from_str(detail?).ok()
    }

    /// The purpose in the reader's language, e.g. "走访：王奶奶复诊".
    pub fn describe(&self, action: &str, lang: Lang) -> String {
        let kind = match action {
            "resident.groups" => GroupPurpose::parse(&self.purpose).map(PurposeKind::text),
            _ => RevealPurpose::parse(&self.purpose).map(PurposeKind::text),
        };
        match kind {
            Some(k) => describe_purpose(k, self.note.as_deref(), lang),
            None => self.purpose.clone(),
        }
    }
}

/// A row of a hierarchy search: a place or a resident, with where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    pub places: Vec<PlaceRefWithPath>,
    pub residents: Vec<ResidentView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceRefWithPath {
    pub place: PlaceRef,
    /// Human-readable location, e.g. `幸福社区 / 第一网格 / 3栋`.
    pub location: String,
}

/// The outcome of a bulk import: nothing is written unless every row is acceptable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    pub accepted: u64,
    pub rejected: Vec<RejectedRow>,
    /// True when the rows were written (only when `rejected` is empty).
    pub committed: bool,
}

/// The media type of an Excel workbook (.xlsx), in which a residents roster may be imported.
pub const XLSX_MEDIA_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A column of the residents roster, as the CSV export writes it and as an import reads it
/// from a CSV file or an Excel workbook. Committees keep their rosters in Excel under Chinese
/// headings, so each column is also recognised by the names such sheets use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RosterColumn {
    HouseholdCode,
    Name,
    IdNumber,
    Phone,
    SpecialGroups,
}

impl RosterColumn {
    /// In the order the export writes them.
    pub const ALL: [RosterColumn; 5] = [
        RosterColumn::HouseholdCode,
        RosterColumn::Name,
        RosterColumn::IdNumber,
        RosterColumn::Phone,
        RosterColumn::SpecialGroups,
    ];

    /// The export's heading, also the field name in an import's row report.
    pub fn key(self) -> &'static str {
        match self {
            RosterColumn::HouseholdCode => "household_code",
            RosterColumn::Name => "name",
            RosterColumn::IdNumber => "id_number",
            RosterColumn::Phone => "phone",
            RosterColumn::SpecialGroups => "special_groups",
        }
    }

    /// Headings a roster kept by hand uses for this column (the first is the one to show).
    pub fn chinese_names(self) -> &'static [&'static str] {
        match self {
            RosterColumn::HouseholdCode => &["户编码", "户号", "户编号", "房屋编码"],
            RosterColumn::Name => &["姓名", "居民姓名"],
            RosterColumn::IdNumber => &["身份证号", "身份证号码", "公民身份号码", "证件号码"],
            RosterColumn::Phone => &["联系电话", "电话", "手机号", "手机号码", "联系方式"],
            RosterColumn::SpecialGroups => &["特殊群体", "人群类别", "重点人群"],
        }
    }

    /// Whether a column needs a value in every row.
    pub fn required(self) -> bool {
        matches!(self, RosterColumn::HouseholdCode | RosterColumn::Name)
    }

    /// The column a heading names: the export's key in any case, or a Chinese name, ignoring
    /// spaces and a required-mark (`*姓名`, `姓名（必填）`).
    pub fn recognise(heading: &str) -> Option<RosterColumn> {
        let cleaned: String = heading
            .trim_start_matches('\u{feff}')
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '*' && *c != '＊')
            .collect();
        let cleaned = ["（必填）", "(必填)"]
            .iter()
            .fold(cleaned, |h, mark| h.replace(mark, ""));
        RosterColumn::ALL.into_iter().find(|c| {
            c.key().eq_ignore_ascii_case(&cleaned) || c.chinese_names().contains(&cleaned.as_str())
        })
    }
}

impl SpecialGroup {
    /// The groups a roster's cell names, by code (`living_alone`) or by their Chinese word
    /// (独居), separated by `;`, `；`, `、`, `,` or `，`. `Err` carries the first word that names
    /// no group.
    pub fn from_cell(cell: &str) -> Result<Vec<SpecialGroup>, String> {
        let mut out = Vec::new();
        for word in cell
            .split([';', '；', '、', ',', '，'])
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            let g = SpecialGroup::parse(word)
                .or_else(|| SpecialGroup::ALL.into_iter().find(|g| g.text().zh == word))
                .ok_or_else(|| word.to_string())?;
            if !out.contains(&g) {
                out.push(g);
            }
        }
        Ok(out)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedRow {
    /// 1-based row (a CSV line or a sheet's row after the heading row, or feature index + 1).
    pub row: u64,
    pub errors: Vec<crate::error::FieldError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn levels_chain_from_street_to_household() {
        let mut kind = PlaceKind::Street;
        let mut chain = vec![kind];
        while let Some(c) = kind.child() {
            assert_eq!(c.parent(), Some(kind));
            chain.push(c);
            kind = c;
        }
        assert_eq!(chain, PlaceKind::ALL.to_vec());
        for k in PlaceKind::ALL {
            assert_eq!(PlaceKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    #[test]
    fn a_place_must_hang_under_the_level_above() {
        let ok = validate_place(
            PlaceKind::Grid,
            Some(PlaceKind::Community),
            "g1",
            "第一网格",
            None,
            None,
            &[],
        );
        assert_eq!(ok.unwrap().code.as_str(), "G1");
        let wrong = validate_place(
            PlaceKind::Grid,
            Some(PlaceKind::Street),
            "g1",
            "第一网格",
            None,
            None,
            &[],
        )
        .unwrap_err();
        assert_eq!(
            wrong.0,
            vec![("parent_id".to_string(), FieldErrorCode::InvalidParent)]
        );
        let missing =
            validate_place(PlaceKind::Building, None, "b1", "1栋", None, None, &[]).unwrap_err();
        assert_eq!(missing.0[0].1, FieldErrorCode::Required);
        let root = validate_place(
            PlaceKind::Street,
            Some(PlaceKind::Street),
            "s",
            "街道",
            None,
            None,
            &[],
        )
        .unwrap_err();
        assert_eq!(root.0[0].1, FieldErrorCode::NotAllowed);
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let leaders = [Leader {
            title: LeaderTitle::BuildingLeader,
            name: "".into(),
            user_id: None,
        }];
        let point = json!({"type":"Point","coordinates":[121.0,31.0]});
        let errs = validate_place(
            PlaceKind::Grid,
            Some(PlaceKind::Community),
            "",
            "",
            None,
            Some(&point),
            &leaders,
        )
        .unwrap_err();
        let fields: Vec<&str> = errs.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "code",
                "name",
                "geometry",
                "leaders/0/title",
                "leaders/0/name"
            ]
        );
    }

    #[test]
    fn households_carry_no_geometry() {
        let poly =
            json!({"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,0.0]]]});
        let errs = validate_place(
            PlaceKind::Household,
            Some(PlaceKind::Building),
            "h1",
            "501",
            None,
            Some(&poly),
            &[],
        )
        .unwrap_err();
        assert_eq!(
            errs.0[0],
            ("geometry".to_string(), FieldErrorCode::NotAllowed)
        );
        assert!(
            validate_place(
                PlaceKind::Household,
                Some(PlaceKind::Building),
                "h1",
                "501",
                None,
                Some(&Value::Null),
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn a_reveal_states_its_purpose() {
        let req = |purpose: Option<RevealPurpose>, note: Option<&str>| RevealRequest {
            purpose,
            note: note.map(str::to_string),
        };
        let errs = |r: &RevealRequest| validate_reveal(r).unwrap_err().0;
        assert_eq!(
            errs(&req(None, None)),
            vec![("purpose".to_string(), FieldErrorCode::Required)]
        );
        assert_eq!(
            errs(&req(None, Some("看看"))),
            vec![("purpose".to_string(), FieldErrorCode::Required)],
            "words alone are no purpose"
        );
        assert_eq!(
            errs(&req(Some(RevealPurpose::Other), Some("  "))),
            vec![("note".to_string(), FieldErrorCode::Required)],
            "other needs words"
        );
        let long = "查".repeat(PURPOSE_NOTE_MAX + 1);
        assert_eq!(
            errs(&req(None, Some(&long))),
            vec![
                ("note".to_string(), FieldErrorCode::TooLong),
                ("purpose".to_string(), FieldErrorCode::Required)
            ]
        );
        let ok = validate_reveal(&req(Some(RevealPurpose::Visit), Some(" 复诊后回访 "))).unwrap();
        assert_eq!(
            ok,
            Purpose {
                kind: RevealPurpose::Visit,
                note: Some("复诊后回访".into())
            }
        );
        assert_eq!(ok.describe(Lang::ZhCn), "走访：复诊后回访");
        assert_eq!(ok.describe(Lang::En), "Home visit: 复诊后回访");
        let bare = validate_reveal(&req(Some(RevealPurpose::Meals), Some(""))).unwrap();
        assert_eq!((bare.note, bare.kind.as_str()), (None, "meals"));
        let exact = "调".repeat(PURPOSE_NOTE_MAX);
        assert!(validate_reveal(&req(Some(RevealPurpose::Other), Some(&exact))).is_ok());
        // The wire form: unknown choices are refused by the decoder, the rest round-trips.
        assert!(serde_json::from_str::<RevealRequest>(r#"{"purpose":"curious"}"#).is_err());
        assert_eq!(
            serde_json::from_str::<RevealRequest>(r#"{"purpose":"care_recipient"}"#)
                .unwrap()
                .purpose,
            Some(RevealPurpose::CareRecipient)
        );
        for p in RevealPurpose::ALL {
            assert_eq!(RevealPurpose::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
        for p in GroupPurpose::ALL {
            assert_eq!(GroupPurpose::parse(p.as_str()), Some(p));
            assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        }
    }

    #[test]
    fn changing_special_groups_needs_a_purpose() {
        use SpecialGroup::*;
        let input = |groups: Option<Vec<SpecialGroup>>,
                     purpose: Option<GroupPurpose>,
                     note: Option<&str>| ResidentInput {
            household_id: 1,
            name: "张阿姨".into(),
            id_number: None,
            phone: None,
            special_groups: groups,
            groups_purpose: purpose,
            groups_purpose_note: note.map(str::to_string),
            version: Some(1),
        };
        let before = [LivingAlone, ChronicIllness];
        // Absent groups, or the same ones again: no change, nothing to state.
        let v = validate_resident(&input(None, None, None)).unwrap();
        assert_eq!(v.groups_change(&before), Ok(None));
        let v =
            validate_resident(&input(Some(vec![ChronicIllness, LivingAlone]), None, None)).unwrap();
        assert_eq!(v.groups_change(&before), Ok(None));
        // Any change, adding or clearing, needs the purpose.
        for after in [
            vec![LivingAlone],
            vec![],
            vec![LivingAlone, ChronicIllness, LowIncome],
        ] {
            let v = validate_resident(&input(Some(after), None, None)).unwrap();
            assert_eq!(
                v.groups_change(&before).unwrap_err().0,
                vec![("groups_purpose".to_string(), FieldErrorCode::Required)]
            );
        }
        let v = validate_resident(&input(
            Some(vec![LivingAlone, LowIncome]),
            Some(GroupPurpose::Meals),
            None,
        ))
        .unwrap();
        assert_eq!(
            v.groups_change(&before).unwrap().unwrap(),
            GroupsChange {
                added: vec![LowIncome],
                removed: vec![ChronicIllness],
                purpose: Purpose {
                    kind: GroupPurpose::Meals,
                    note: None
                },
            }
        );
        // "Other" needs words, and words have a limit.
        let errs =
            validate_resident(&input(Some(vec![]), Some(GroupPurpose::Other), None)).unwrap_err();
        assert_eq!(
            errs.0,
            vec![("groups_purpose_note".to_string(), FieldErrorCode::Required)]
        );
        let long = "帮".repeat(PURPOSE_NOTE_MAX + 1);
        let errs = validate_resident(&input(
            Some(vec![]),
            Some(GroupPurpose::Pairing),
            Some(&long),
        ))
        .unwrap_err();
        assert_eq!(
            errs.0,
            vec![("groups_purpose_note".to_string(), FieldErrorCode::TooLong)]
        );
    }

    #[test]
    fn audit_details_carry_the_purpose() {
        let change = GroupsChange {
            added: vec![SpecialGroup::LowIncome],
            removed: vec![],
            purpose: Purpose {
                kind: GroupPurpose::Other,
                note: Some("临时救助".into()),
            },
        };
        let json = PurposeDetail::groups(&change).to_json();
        assert_eq!(
            json,
            r#"{"purpose":"other","note":"临时救助","added":["low_income"]}"#
        );
        let back = PurposeDetail::of_entry("resident.groups", Some(&json)).unwrap();
        assert_eq!(
            back.describe("resident.groups", Lang::ZhCn),
            "其他：临时救助"
        );
        let read = PurposeDetail::reveal(&Purpose {
            kind: RevealPurpose::CareRecipient,
            note: None,
        });
        let json = read.to_json();
        let back = PurposeDetail::of_entry("resident.reveal", Some(&json)).unwrap();
        assert_eq!(back.describe("resident.reveal", Lang::ZhCn), "查看帮扶对象");
        assert_eq!(
            back.describe("resident.reveal", Lang::En),
            "Someone in my care"
        );
        // Other actions' details, and old reveals without one, are not purposes.
        assert_eq!(PurposeDetail::of_entry("user.update", Some(&json)), None);
        assert_eq!(PurposeDetail::of_entry("resident.reveal", None), None);
        assert_eq!(
            PurposeDetail::of_entry("resident.reveal", Some("free text")),
            None
        );
    }

    #[test]
    fn roster_headings_are_recognised_in_english_and_chinese() {
        assert_eq!(
            RosterColumn::recognise("household_code"),
            Some(RosterColumn::HouseholdCode)
        );
        assert_eq!(RosterColumn::recognise(" Name "), Some(RosterColumn::Name));
        assert_eq!(RosterColumn::recognise("*姓名"), Some(RosterColumn::Name));
        assert_eq!(
            RosterColumn::recognise("公民身份号码（必填）"),
            Some(RosterColumn::IdNumber)
        );
        assert_eq!(RosterColumn::recognise("手机号"), Some(RosterColumn::Phone));
        assert_eq!(RosterColumn::recognise("备注"), None);
        for c in RosterColumn::ALL {
            assert_eq!(RosterColumn::recognise(c.key()), Some(c));
            for name in c.chinese_names() {
                assert_eq!(RosterColumn::recognise(name), Some(c), "{name}");
            }
        }
    }

    #[test]
    fn a_roster_cell_names_groups_by_code_or_chinese_word() {
        assert_eq!(
            SpecialGroup::from_cell("独居、高龄；living_alone"),
            Ok(vec![SpecialGroup::LivingAlone, SpecialGroup::Elderly])
        );
        assert_eq!(SpecialGroup::from_cell(" "), Ok(vec![]));
        assert_eq!(
            SpecialGroup::from_cell("空巢,孤寡"),
            Err("孤寡".to_string())
        );
    }

    #[test]
    fn residents_validate_optional_sensitive_fields() {
        let mut input = ResidentInput {
            household_id: 1,
            name: " 张阿姨 ".into(),
            id_number: Some("".into()),
            phone: None,
            special_groups: Some(vec![SpecialGroup::LivingAlone, SpecialGroup::LivingAlone]),
            groups_purpose: None,
            groups_purpose_note: None,
            version: None,
        };
        let ok = validate_resident(&input).unwrap();
        assert_eq!(ok.name.as_str(), "张阿姨");
        assert_eq!(ok.id_number, Change::Clear, "empty clears");
        assert_eq!(ok.phone, Change::Keep, "absent keeps");
        assert_eq!(
            ok.phone
                .clone()
                .apply(Some(Phone::parse("13812345678").unwrap()))
                .unwrap()
                .as_str(),
            "13812345678"
        );
        assert_eq!(ok.special_groups, Some(vec![SpecialGroup::LivingAlone]));
        input.id_number = Some("110105194912310021".into());
        input.phone = Some("123".into());
        let errs = validate_resident(&input).unwrap_err();
        assert_eq!(
            errs.0,
            vec![
                ("id_number".to_string(), FieldErrorCode::InvalidChecksum),
                ("phone".to_string(), FieldErrorCode::InvalidFormat),
            ]
        );
    }
}

/// A child row when browsing one level down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceSummary {
    pub id: i64,
    pub kind: PlaceKind,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub child_count: u64,
    /// Residents registered under this place; only for users who may see people.
    pub resident_count: Option<u64>,
}
