//! Demo and benchmark data. `make run` seeds 幸福社区 in Lanzhou (modelled on the seed article: four grids,
//! thirty buildings, residents including 张阿姨 and 瞿奶奶) into an empty database, with the five
//! demo accounts. `server seed --residents N --seed S` builds a district of any size for
//! benchmarks. Both are deterministic: the same seed gives the same data.

use crate::accounts::{password, service as accounts};
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::places::store::{place, place_leader, resident, resident_group};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, Set};
use serde_json::json;
use shared::accounts::Role;
use shared::places::{LeaderTitle, PlaceKind, SpecialGroup};
use shared::validate::IdCardNumber;
use time::OffsetDateTime;

/// The demo accounts: username, display name, roles, and whether scoped to the first grid.
pub const DEMO_ACCOUNTS: [(&str, &str, Role, bool); 5] = [
    ("admin", "李书记", Role::Admin, false),
    ("staff", "王干事", Role::Staff, false),
    ("mediator", "陈调解员", Role::Mediator, false),
    ("gridworker", "赵网格员", Role::GridWorker, true),
    ("resident", "刘先生", Role::Resident, false),
];

/// The seed story's 张秀兰 (born 1956, first grid) has an account of her own, verified as her
/// register record: the elder-mode stories sign in as her.
pub const DEMO_ELDER_ACCOUNT: (&str, &str) = ("zhangxiulan", "张秀兰");

/// The demo grid worker's work phone, in the 1380000xxxx block of examples (residents' made-up
/// phones end at 1380000 + their id, far below 9900).
pub const DEMO_GRID_WORKER_PHONE: &str = "13800009901";

/// A small deterministic generator (SplitMix64): the data must not change between runs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋",
];
const GIVEN: [&str; 32] = [
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "玉兰", "国强", "淑珍",
    "志明", "海燕", "子涵", "浩然",
];
/// The people of the demo's stories, each of whom must be the only one of that name.
pub const DEMO_PEOPLE: [&str; 7] = [
    "张秀兰",
    "钱卫国",
    "孙玉珍",
    "孙国强",
    "周建军",
    "瞿桂英",
    "刘建华",
];
const GRID_NAMES: [&str; 10] = [
    "第一", "第二", "第三", "第四", "第五", "第六", "第七", "第八", "第九", "第十",
];

/// The shape of a generated data set.
#[derive(Clone, Debug)]
pub struct Plan {
    pub seed: u64,
    pub streets: usize,
    pub communities_per_street: usize,
    pub grids_per_community: usize,
    pub micro_grids_per_grid: usize,
    /// Buildings in each micro-grid, cycling when there are more micro-grids than entries.
    pub buildings_per_micro_grid: Vec<usize>,
    pub households_per_building: usize,
    /// Residents per household: 1 ..= this.
    pub max_residents_per_household: u64,
    /// Stop adding households once this many residents exist.
    pub target_residents: Option<u64>,
    /// Size of one community's tile in degrees (longitude, latitude).
    pub tile: (f64, f64),
}

impl Plan {
    /// 幸福社区: one street, one community, four grids of two micro-grids, 30 buildings.
    pub fn demo() -> Plan {
        Plan {
            seed: 2026,
            streets: 1,
            communities_per_street: 1,
            grids_per_community: 4,
            micro_grids_per_grid: 2,
            buildings_per_micro_grid: vec![4, 4, 4, 4, 4, 4, 3, 3],
            households_per_building: 6,
            max_residents_per_household: 3,
            target_residents: None,
            tile: (0.008, 0.006),
        }
    }

    /// The map benchmark's community: one large community of 16 grids, 80 micro-grids and
    /// 10,000 buildings with one household each.
    pub fn map_bench(seed: u64) -> Plan {
        Plan {
            seed,
            streets: 1,
            communities_per_street: 1,
            grids_per_community: 16,
            micro_grids_per_grid: 5,
            buildings_per_micro_grid: vec![125],
            households_per_building: 1,
            max_residents_per_household: 1,
            target_residents: None,
            tile: (0.032, 0.024),
        }
    }

    /// A district of about `residents` people (2.5 per household, 12 households per building).
    pub fn district(residents: usize, seed: u64) -> Plan {
        let households = residents.div_ceil(2).max(1) * 4 / 5; // mean of 1..=4 is 2.5
        let buildings = households.div_ceil(12).max(1);
        let micro_grids = buildings.div_ceil(10).max(1);
        let grids = micro_grids.div_ceil(4).max(1);
        let communities = grids.div_ceil(8).max(1);
        let streets = communities.div_ceil(6).max(1);
        Plan {
            seed,
            streets,
            communities_per_street: communities.div_ceil(streets),
            grids_per_community: 8,
            micro_grids_per_grid: 4,
            buildings_per_micro_grid: vec![10],
            households_per_building: 12,
            max_residents_per_household: 4,
            target_residents: Some(residents as u64),
            tile: (0.008, 0.006),
        }
    }
}

#[derive(Default, Debug)]
pub struct Counts {
    pub places: u64,
    pub residents: u64,
}

/// Rows waiting to be written in batches.
#[derive(Default)]
struct Batch {
    places: Vec<place::ActiveModel>,
    leaders: Vec<place_leader::ActiveModel>,
    residents: Vec<resident::ActiveModel>,
    groups: Vec<resident_group::ActiveModel>,
}

const CHUNK: usize = 400;

/// The south-west corner of the first community (longitude, latitude): Lanzhou, 城关区.
pub const ORIGIN: (f64, f64) = (103.83, 36.06);

impl Batch {
    async fn flush(&mut self, conn: &impl ConnectionTrait, all: bool) -> AppResult<()> {
        async fn chunked<E: EntityTrait>(
            conn: &impl ConnectionTrait,
            rows: &mut Vec<E::ActiveModel>,
            all: bool,
        ) -> AppResult<()>
        where
            E::ActiveModel: sea_orm::ActiveModelTrait<Entity = E> + Send,
        {
            while rows.len() >= CHUNK || (all && !rows.is_empty()) {
                let n = rows.len().min(CHUNK);
                let part: Vec<_> = rows.drain(..n).collect();
                E::insert_many(part).exec_without_returning(conn).await?;
            }
            Ok(())
        }
        // Parents before children: places, then leaders and residents, then their tags.
        chunked::<place::Entity>(conn, &mut self.places, all).await?;
        if all || self.leaders.len() >= CHUNK {
            chunked::<place::Entity>(conn, &mut self.places, true).await?;
            chunked::<place_leader::Entity>(conn, &mut self.leaders, true).await?;
        }
        if all || self.residents.len() >= CHUNK {
            chunked::<place::Entity>(conn, &mut self.places, true).await?;
            chunked::<resident::Entity>(conn, &mut self.residents, true).await?;
            chunked::<resident_group::Entity>(conn, &mut self.groups, true).await?;
        }
        Ok(())
    }
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> serde_json::Value {
    json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
}

struct Generator {
    rng: Rng,
    now: OffsetDateTime,
    next_place: i64,
    next_resident: i64,
    batch: Batch,
    counts: Counts,
    demo: bool,
}

impl Generator {
    #[allow(clippy::too_many_arguments)]
    fn place(
        &mut self,
        kind: PlaceKind,
        parent: Option<i64>,
        grid: Option<i64>,
        code: String,
        name: String,
        address: Option<String>,
        bounds: Option<(f64, f64, f64, f64)>,
    ) -> i64 {
        self.next_place += 1;
        let id = self.next_place;
        let grid_id = if kind == PlaceKind::Grid {
            Some(id)
        } else {
            grid
        };
        self.batch.places.push(place::ActiveModel {
            id: Set(id),
            kind: Set(kind.as_str().to_string()),
            parent_id: Set(parent),
            code: Set(code),
            name: Set(name),
            address: Set(address),
            geometry: Set(bounds.map(|(a, b, c, d)| rect(a, b, c, d).to_string())),
            min_lon: Set(bounds.map(|b| b.0)),
            min_lat: Set(bounds.map(|b| b.1)),
            max_lon: Set(bounds.map(|b| b.2)),
            max_lat: Set(bounds.map(|b| b.3)),
            grid_id: Set(grid_id),
            version: Set(1),
            created_at: Set(self.now),
            updated_at: Set(self.now),
        });
        self.counts.places += 1;
        id
    }

    fn leader(&mut self, place_id: i64, title: LeaderTitle, name: String) {
        self.batch.leaders.push(place_leader::ActiveModel {
            place_id: Set(place_id),
            position: Set(0),
            title: Set(serde_json::to_value(title)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()),
            name: Set(name),
            user_id: Set(None),
            ..Default::default()
        });
    }

    fn person_name(&mut self) -> String {
        format!("{}{}", self.rng.pick(&SURNAMES), self.rng.pick(&GIVEN))
    }

    fn resident(
        &mut self,
        household: i64,
        grid: i64,
        name: String,
        birth_year: u16,
        groups: &[SpecialGroup],
    ) {
        self.next_resident += 1;
        let id = self.next_resident;
        // Made-up numbers that cannot be anyone's: the region code 99 is no province's
        // (GB/T 2260 ends at 82), and the phones are in the 1380000xxxx block of examples.
        // The check character is right, so the numbers pass the same validation as real ones.
        // Unique by construction: the region code carries the thousands, the sequence the rest.
        let first17 = format!(
            "{:06}{:04}{:02}{:02}{:03}",
            990000 + (id / 1000) % 10000,
            birth_year,
            1 + self.rng.below(12),
            1 + self.rng.below(28),
            id % 1000
        );
        let id_number = format!("{first17}{}", IdCardNumber::check_char(&first17));
        let phone = format!("1380000{:04}", id % 10_000);
        self.batch.residents.push(resident::ActiveModel {
            id: Set(id),
            household_id: Set(household),
            grid_id: Set(grid),
            name: Set(name),
            id_number: Set(Some(id_number)),
            phone: Set(Some(phone)),
            birth_year: Set(Some(i32::from(birth_year))),
            version: Set(1),
            created_at: Set(self.now),
            updated_at: Set(self.now),
        });
        for g in groups {
            self.batch.groups.push(resident_group::ActiveModel {
                resident_id: Set(id),
                group_name: Set(g.as_str().to_string()),
                ..Default::default()
            });
        }
        self.counts.residents += 1;
    }

    /// Residents of one household; the demo's first households hold the article's people.
    fn household_people(
        &mut self,
        household: i64,
        grid: i64,
        grid_index: usize,
        household_index: usize,
        max: u64,
    ) {
        if self.demo && household_index == 0 {
            let named: &[(&str, u16, &[SpecialGroup])] = match grid_index {
                0 => &[(
                    "张秀兰",
                    1956,
                    &[SpecialGroup::LivingAlone, SpecialGroup::ChronicIllness],
                )],
                1 => &[("钱卫国", 1968, &[SpecialGroup::Disabled])],
                2 => &[
                    ("孙玉珍", 1950, &[SpecialGroup::EmptyNest]),
                    ("孙国强", 1949, &[SpecialGroup::EmptyNest]),
                ],
                _ => &[("周建军", 1975, &[SpecialGroup::LowIncome])],
            };
            for (name, year, groups) in named {
                self.resident(household, grid, name.to_string(), *year, groups);
            }
            return;
        }
        if self.demo && grid_index == 0 && household_index == 1 {
            self.resident(
                household,
                grid,
                "瞿桂英".to_string(),
                1944,
                &[SpecialGroup::Elderly, SpecialGroup::LivingAlone],
            );
            return;
        }
        let n = 1 + self.rng.below(max);
        let surname = *self.rng.pick(&SURNAMES);
        let mut named: Vec<String> = Vec::new();
        for _ in 0..n {
            // Nobody shares a name with a housemate or with the demo's own people: a taken
            // name moves on to the next given name (no extra draw, so the rest of the data
            // stays as it was).
            let start = self.rng.below(GIVEN.len() as u64) as usize;
            let name = (0..GIVEN.len())
                .map(|k| format!("{surname}{}", GIVEN[(start + k) % GIVEN.len()]))
                .find(|name| !named.contains(name) && !DEMO_PEOPLE.contains(&name.as_str()))
                .unwrap_or_else(|| format!("{surname}{}", GIVEN[start]));
            named.push(name.clone());
            let year = 1935 + self.rng.below(85) as u16;
            let mut groups = Vec::new();
            if 2026 - year >= 80 {
                groups.push(SpecialGroup::Elderly);
            }
            if n == 1 && 2026 - year >= 65 && self.rng.below(3) == 0 {
                groups.push(SpecialGroup::LivingAlone);
            }
            if self.rng.below(40) == 0 {
                groups.push(SpecialGroup::Disabled);
            }
            self.resident(household, grid, name, year, &groups);
        }
    }
}

/// Write a whole data set in one transaction. The database must be empty of places.
pub async fn generate(db: &Db, plan: &Plan, demo: bool) -> AppResult<Counts> {
    let txn = db.begin_write().await?;
    let counts = generate_in(&*txn, plan, demo).await?;
    txn.commit().await?;
    Ok(counts)
}

/// The generator inside a transaction the caller commits.
pub async fn generate_in(txn: &impl ConnectionTrait, plan: &Plan, demo: bool) -> AppResult<Counts> {
    let mut g = Generator {
        rng: Rng(plan.seed),
        now: OffsetDateTime::now_utc(),
        next_place: 0,
        next_resident: 0,
        batch: Batch::default(),
        counts: Counts::default(),
        demo,
    };
    // Communities are laid out on a square of tiles from 103.83°E 36.06°N, in Lanzhou's
    // 城关区 where the seed story happened (0.008° × 0.006° each, larger for the map benchmark).
    let (tile_w, tile_h) = plan.tile;
    let total_communities = plan.streets * plan.communities_per_street;
    let per_row = (total_communities as f64).sqrt().ceil() as usize;
    let mut community_index = 0;
    let mut grid_counter = 0;
    let mut building_counter = 0;
    let mut micro_counter = 0;
    for s in 0..plan.streets {
        let (street_code, street_name) = if demo {
            ("XF".to_string(), "幸福街道".to_string())
        } else {
            (format!("S{:02}", s + 1), format!("第{}街道", s + 1))
        };
        let street = g.place(
            PlaceKind::Street,
            None,
            None,
            street_code.clone(),
            street_name,
            None,
            None,
        );
        for c in 0..plan.communities_per_street {
            let (cx, cy) = (
                (community_index % per_row) as f64,
                (community_index / per_row) as f64,
            );
            community_index += 1;
            let (x0, y0) = (ORIGIN.0 + cx * tile_w, ORIGIN.1 + cy * tile_h);
            let ccode = format!("{street_code}-C{:02}", c + 1);
            let cname = if demo {
                "幸福社区".to_string()
            } else {
                format!("第{}社区", community_index)
            };
            let community = g.place(
                PlaceKind::Community,
                Some(street),
                None,
                ccode.clone(),
                cname.clone(),
                None,
                Some((x0, y0, x0 + tile_w, y0 + tile_h)),
            );
            let secretary = g.person_name();
            g.leader(community, LeaderTitle::PartySecretary, secretary);
            // Grids are vertical strips of the community; micro-grids horizontal bands of a grid.
            let gw = tile_w / plan.grids_per_community as f64;
            for gi in 0..plan.grids_per_community {
                let gx0 = x0 + gi as f64 * gw;
                let gcode = format!("{ccode}-G{}", gi + 1);
                let gname = format!("{}网格", GRID_NAMES.get(gi).copied().unwrap_or("另一"));
                grid_counter += 1;
                let grid = g.place(
                    PlaceKind::Grid,
                    Some(community),
                    None,
                    gcode.clone(),
                    gname,
                    None,
                    Some((gx0, y0, gx0 + gw, y0 + tile_h)),
                );
                let leader = g.person_name();
                g.leader(grid, LeaderTitle::GridLeader, leader);
                let mh = tile_h / plan.micro_grids_per_grid as f64;
                for mi in 0..plan.micro_grids_per_grid {
                    let my0 = y0 + mi as f64 * mh;
                    let mcode = format!("{gcode}-M{}", mi + 1);
                    let micro = g.place(
                        PlaceKind::MicroGrid,
                        Some(grid),
                        Some(grid),
                        mcode,
                        format!("{}微网格", mi + 1),
                        None,
                        Some((gx0, my0, gx0 + gw, my0 + mh)),
                    );
                    let nb = plan.buildings_per_micro_grid
                        [micro_counter % plan.buildings_per_micro_grid.len()];
                    micro_counter += 1;
                    for bi in 0..nb {
                        building_counter += 1;
                        // Buildings sit in a row along the band, each a small footprint; many
                        // buildings (the map benchmark) sit in rows and columns instead.
                        let (bx, by, bw, bh) = if nb <= 12 {
                            let bw = gw / (nb as f64 + 1.0);
                            (gx0 + bw * (bi as f64 + 0.5), my0 + mh * 0.3, bw, mh)
                        } else {
                            let cols = (nb as f64).sqrt().ceil() as usize;
                            let rows = nb.div_ceil(cols);
                            let (cw, ch) = (gw / cols as f64, mh / rows as f64);
                            let (c, r) = (bi % cols, bi / cols);
                            (
                                gx0 + cw * (c as f64 + 0.2),
                                my0 + ch * (r as f64 + 0.2),
                                cw,
                                ch,
                            )
                        };
                        let bname = format!("{building_counter}栋");
                        let bcode = format!("{ccode}-B{building_counter:04}");
                        let building = g.place(
                            PlaceKind::Building,
                            Some(micro),
                            Some(grid),
                            bcode.clone(),
                            bname.clone(),
                            Some(format!("{cname}{bname}")),
                            Some((bx, by, bx + bw * 0.6, by + bh * 0.4)),
                        );
                        if bi == 0 {
                            let leader = g.person_name();
                            g.leader(building, LeaderTitle::BuildingLeader, leader);
                        }
                        for hi in 0..plan.households_per_building {
                            if plan
                                .target_residents
                                .is_some_and(|t| g.counts.residents >= t)
                            {
                                break;
                            }
                            let room = format!("{}{:02}", hi / 2 + 1, hi % 2 + 1);
                            let hname = format!("{room}室");
                            let household = g.place(
                                PlaceKind::Household,
                                Some(building),
                                Some(grid),
                                format!("{bcode}-{room}"),
                                hname.clone(),
                                Some(format!("{cname}{bname}{hname}")),
                                None,
                            );
                            let first_in_grid = mi == 0 && bi == 0;
                            let index = if first_in_grid { hi } else { usize::MAX };
                            g.household_people(
                                household,
                                grid,
                                gi,
                                index,
                                plan.max_residents_per_household,
                            );
                            g.batch.flush(txn, false).await?;
                        }
                    }
                }
            }
        }
    }
    let _ = grid_counter;
    g.batch.flush(txn, true).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        // Ids were given explicitly; move the sequences past them.
        for table in ["places", "residents"] {
            txn.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"))
                .await?;
        }
    }
    Ok(g.counts)
}

/// The map benchmark's data: its community ([`Plan::map_bench`]), the demo accounts, and
/// `cases` open cases at random points of the community's micro-grids in every open stage,
/// about a fifth of them overdue. Into an empty database only.
pub async fn seed_map_bench(db: &Db, password: &str, cases: usize, seed: u64) -> AppResult<Counts> {
    use crate::cases::store::{case, category};
    use sea_orm::{ColumnTrait, QueryFilter};
    if place::Entity::find().count(&db.conn).await? > 0 {
        return Err(AppError::Internal("the database already has places".into()));
    }
    let hash = password::hash(password.to_string()).await;
    let txn = db.begin_write().await?;
    let counts = generate_in(&*txn, &Plan::map_bench(seed), false).await?;
    for (username, display, role, _) in DEMO_ACCOUNTS {
        accounts::insert_user(&*txn, username, display, hash.clone(), &[role], &[]).await?;
    }
    let micro = place::Entity::find()
        .filter_kind(PlaceKind::MicroGrid)
        .all(&*txn)
        .await?;
    let leaf = category::Entity::find()
        .filter(category::Column::ParentId.is_not_null())
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::Internal("no case categories".into()))?;
    let open = [
        "reported",
        "registered",
        "dispatched",
        "in_progress",
        "postponed",
        "handled",
        "verified",
    ];
    let mut rng = Rng(seed ^ 0x5eed);
    let now = OffsetDateTime::now_utc();
    let mut batch = Vec::new();
    for i in 0..cases {
        let m = rng.pick(&micro);
        let (x0, y0, x1, y1) = (
            m.min_lon.unwrap_or_default(),
            m.min_lat.unwrap_or_default(),
            m.max_lon.unwrap_or_default(),
            m.max_lat.unwrap_or_default(),
        );
        let fx = rng.below(10_000) as f64 / 10_000.0;
        let fy = rng.below(10_000) as f64 / 10_000.0;
        let deadline = now + time::Duration::hours(rng.below(24 * 20) as i64 - 24 * 4);
        batch.push(case::ActiveModel {
            number: Set(format!("B-{:06}", i + 1)),
            title: Set(format!("基准事件 {}", i + 1)),
            description: Set(String::new()),
            category_id: Set(leaf.id),
            urgency: Set("normal".into()),
            source: Set("patrol".into()),
            stage: Set(rng.pick(&open).to_string()),
            grid_id: Set(m.grid_id),
            place_id: Set(Some(m.id)),
            lon: Set(Some(x0 + (x1 - x0) * fx)),
            lat: Set(Some(y0 + (y1 - y0) * fy)),
            reporter_hidden: Set(false),
            deadline_at: Set(Some(deadline)),
            stage_entered_at: Set(now),
            board_rank: Set(format!("b{:08}", i)),
            rework_count: Set(0),
            version: Set(1),
            created_at: Set(now - time::Duration::hours(rng.below(24 * 60) as i64)),
            updated_at: Set(now),
            ..Default::default()
        });
        if batch.len() == CHUNK {
            case::Entity::insert_many(std::mem::take(&mut batch))
                .exec_without_returning(&*txn)
                .await?;
        }
    }
    if !batch.is_empty() {
        case::Entity::insert_many(batch)
            .exec_without_returning(&*txn)
            .await?;
    }
    txn.commit().await?;
    Ok(counts)
}

/// Seed the demo community and accounts, once: only into a database without places or users.
pub async fn seed_if_empty(db: &Db, demo_password: &str) -> AppResult<bool> {
    let has_places = place::Entity::find().count(&db.conn).await? > 0;
    let has_users = crate::accounts::store::user::Entity::find()
        .count(&db.conn)
        .await?
        > 0;
    if has_places || has_users {
        return Ok(false);
    }
    let hash = password::hash(demo_password.to_string()).await;
    // Places, people and accounts in one transaction: a failed seed leaves nothing behind.
    let txn = db.begin_write().await?;
    let counts = generate_in(&*txn, &Plan::demo(), true).await?;
    let first_grid = place::Entity::find()
        .filter_kind(PlaceKind::Grid)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::Internal("demo has no grid".into()))?;
    for (username, display, role, scoped) in DEMO_ACCOUNTS {
        let grids = if scoped { vec![first_grid.id] } else { vec![] };
        let user_id =
            accounts::insert_user(&*txn, username, display, hash.clone(), &[role], &grids).await?;
        if role == Role::Resident {
            verified_resident(&*txn, first_grid.id, user_id).await?;
        }
        if role == Role::GridWorker {
            set_work_phone(&*txn, user_id, DEMO_GRID_WORKER_PHONE).await?;
        }
    }
    elder_account(&*txn, first_grid.id, hash.clone()).await?;
    crate::open311::keys::insert(
        &*txn,
        "演示 Open311 客户端",
        crate::open311::keys::DEMO_KEY,
        None,
    )
    .await?;
    txn.commit().await?;
    tracing::info!(
        places = counts.places,
        residents = counts.residents,
        "demo data seeded"
    );
    Ok(true)
}

/// The demo resident account (刘先生) is 刘建华 of the first grid's third household, verified by
/// the office, so he can support and vote on the first grid's agenda items.
async fn verified_resident(
    txn: &impl sea_orm::ConnectionTrait,
    grid_id: i64,
    user_id: i64,
) -> AppResult<()> {
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, QuerySelect};
    let household = place::Entity::find()
        .filter_kind(PlaceKind::Household)
        .filter(place::Column::GridId.eq(grid_id))
        .offset(2)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::Internal("demo grid has too few households".into()))?;
    let now = OffsetDateTime::now_utc();
    let r = resident::ActiveModel {
        household_id: Set(household.id),
        grid_id: Set(grid_id),
        name: Set("刘建华".into()),
        birth_year: Set(Some(1972)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    crate::accounts::store::resident_account::ActiveModel {
        user_id: Set(user_id),
        resident_id: Set(r.id),
        verified_by: Set(None),
        verified_at: Set(now),
    }
    .insert(txn)
    .await?;
    Ok(())
}

async fn set_work_phone(
    txn: &impl sea_orm::ConnectionTrait,
    user_id: i64,
    phone: &str,
) -> AppResult<()> {
    use crate::accounts::store::user;
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    user::Entity::update_many()
        .col_expr(user::Column::WorkPhone, Expr::value(phone))
        .filter(user::Column::Id.eq(user_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// [`DEMO_ELDER_ACCOUNT`]: a resident account verified as the first grid's 张秀兰.
async fn elder_account(
    txn: &impl sea_orm::ConnectionTrait,
    grid_id: i64,
    hash: String,
) -> AppResult<()> {
    use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter};
    let (username, display) = DEMO_ELDER_ACCOUNT;
    let her = resident::Entity::find()
        .filter(resident::Column::GridId.eq(grid_id))
        .filter(resident::Column::Name.eq(display))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::Internal("demo has no 张秀兰".into()))?;
    let user_id =
        accounts::insert_user(txn, username, display, hash, &[Role::Resident], &[]).await?;
    crate::accounts::store::resident_account::ActiveModel {
        user_id: Set(user_id),
        resident_id: Set(her.id),
        verified_by: Set(None),
        verified_at: Set(OffsetDateTime::now_utc()),
    }
    .insert(txn)
    .await?;
    Ok(())
}

trait FilterKind {
    fn filter_kind(self, kind: PlaceKind) -> Self;
}

impl FilterKind for sea_orm::Select<place::Entity> {
    fn filter_kind(self, kind: PlaceKind) -> Self {
        use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
        self.filter(place::Column::Kind.eq(kind.as_str()))
            .order_by_asc(place::Column::Id)
    }
}
