//! Every word the app shows, in Chinese first and English second. Components never hold
//! user-visible text: they name a [`Key`] and read it through the [`I18n`] context, so a
//! language switch re-renders every label at once. Labels that travel with API types
//! (roles, place kinds, special groups, error codes) come from `shared` via their `.text()`.

use leptos::prelude::*;
use shared::i18n::{Lang, Text};

const STORAGE_KEY: &str = "linju.lang";

macro_rules! keys {
    ($($key:ident => $zh:literal, $en:literal;)*) => {
        /// One user-visible text. `{n}`, `{name}` … are filled in by [`I18n::fmt`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            #[cfg(test)]
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            pub fn text(self) -> Text {
                match self { $(Key::$key => Text::new($zh, $en)),* }
            }
        }
    };
}

keys! {
    // Brand and shell
    AppName => "邻聚", "Linju";
    AppTagline => "社区网格治理", "Community grid governance";
    SkipToContent => "跳到主要内容", "Skip to main content";
    Menu => "菜单", "Menu";
    MainNav => "主导航", "Main navigation";
    NavHome => "首页", "Home";
    NavPlaces => "网格", "Grids";
    NavSearch => "搜索", "Search";
    NavUsers => "用户管理", "Users";
    NavAudit => "操作日志", "Audit log";
    NavData => "数据导入导出", "Import & export";
    NavAdmin => "管理", "Admin";
    SwitchLanguage => "English", "中文";
    SwitchLanguageLabel => "切换到英文界面", "Switch to Chinese";
    Logout => "退出登录", "Sign out";
    SignedInAs => "当前用户", "Signed in as";
    Loading => "正在加载…", "Loading…";
    Saving => "正在保存…", "Saving…";
    Retry => "重试", "Try again";
    NetworkError => "网络连接失败，请检查网络后重试。", "Could not reach the server; check the connection and try again.";
    UnexpectedResponse => "服务器返回了无法识别的内容。", "The server sent a response we could not read.";
    OfflineTitle => "离线", "Offline";
    OfflineBody => "当前没有网络连接，显示的是本机保存的内容；恢复连接后才能提交。", "There is no connection: you see what this device kept, and changes can be sent once it is back.";
    UpdateReady => "新版本可用，点击更新", "A new version is ready: tap to update";
    OutboxTitle => "待发送", "Outbox";
    OutboxCount => "待发送 {n} 条", "{n} waiting to be sent";
    OutboxIntro => "没有网络时提交的内容保存在本机，恢复连接后按顺序自动发送，不会重复办理。", "What you submit without a connection is kept on this device and sent in order when the connection returns, never twice.";
    OutboxEmpty => "没有待发送的内容。", "Nothing waits to be sent.";
    OutboxKept => "已保存到待发送，恢复网络后会自动发送。", "Saved to the outbox: it is sent when the connection returns.";
    OutboxOpen => "查看待发送", "Open the outbox";
    OutboxSendNow => "立即发送", "Send now";
    OutboxClearSent => "清除已发送", "Clear sent items";
    OutboxWaiting => "等待发送", "Waiting";
    OutboxSending => "正在发送", "Sending";
    OutboxSent => "已发送", "Sent";
    OutboxRefused => "被退回", "Refused";
    OutboxConflict => "有冲突", "Conflict";
    OutboxRetry => "重试", "Retry";
    OutboxDiscard => "放弃", "Discard";
    OutboxReapply => "按现状重新提交", "Apply again to the current state";
    OutboxDrop => "放弃这一步", "Drop this step";
    OutboxDiscardQuestion => "放弃后这条内容不会发送，也无法找回。确定放弃吗？", "Discarded, this item is not sent and cannot be recovered. Discard it?";
    OutboxCurrent => "服务器上的现状：{state}", "Now on the server: {state}";
    OutboxViewResult => "查看", "View";
    OutboxPhotos => "附 {n} 张照片", "{n} photo(s) attached";
    OutboxKindReport => "问题上报", "Problem report";
    OutboxKindVisit => "走访记录", "Visit record";
    OutboxKindErrand => "代办步骤", "Errand step";
    OutboxKindMeal => "送餐", "Meal delivery";
    OutboxKindPatrolStart => "开始巡查", "Patrol start";
    OutboxKindPatrolPoints => "巡查轨迹", "Patrol track";
    OutboxKindPatrolEnd => "结束巡查", "Patrol end";
    OutboxRecording => "正在记录", "Recording";
    OutboxPoints => "{n} 个位置点", "{n} track point(s)";
    MoveKept => "没有网络：这一步已保存到待发送，恢复网络后按顺序发送。", "No connection: this move is kept in the outbox and sent in order when the connection returns.";
    MoveOffline => "没有网络，这一步没有做，卡片已回到原位。看板上的移动需要联网；在案件页面上办理可离线保存。", "No connection: the move was not made and the card is back where it was. Board moves need a connection; on the case's page a move can be kept offline.";
    MapPatrolKept => "没有网络：巡查记录保存在待发送，恢复网络后按顺序发送。", "No connection: the patrol is kept in the outbox and sent in order when the connection returns.";
    OutboxSignOutWarning => "还有 {n} 条待发送的内容没有发出，退出登录会删除它们。确定退出吗？", "{n} item(s) in the outbox have not been sent; signing out deletes them. Sign out anyway?";
    OfflineNoCopy => "离线，本机没有保存的内容", "Offline: nothing kept on this device";
    NotFoundTitle => "找不到这个页面", "Page not found";
    NotFoundBody => "地址可能有误，或该页面已不存在。", "The address may be wrong, or the page no longer exists.";
    BackHome => "返回首页", "Back to home";
    NoPermission => "您没有权限查看此页面。", "You are not allowed to see this page.";
    Cancel => "取消", "Cancel";
    Save => "保存", "Save";
    Delete => "删除", "Delete";
    ConfirmDelete => "确认删除", "Yes, delete";
    DeleteQuestion => "确定要删除“{name}”吗？此操作无法撤销。", "Delete “{name}”? This cannot be undone.";
    Saved => "已保存。", "Saved.";
    Optional => "选填", "optional";
    Previous => "上一页", "Previous";
    Next => "下一页", "Next";
    PageOf => "第 {from}–{to} 条，共 {total} 条", "{from}–{to} of {total}";
    FixFields => "请修改标出的内容后再提交。", "Please correct the marked fields and submit again.";

    // Login
    LoginTitle => "登录邻聚", "Sign in to Linju";
    LoginIntro => "请使用社区发放的账号登录。", "Sign in with the account your community gave you.";
    Username => "用户名", "Username";
    Password => "密码", "Password";
    LoginButton => "登录", "Sign in";
    LoggingIn => "正在登录…", "Signing in…";
    RetryAfter => "请在 {n} 秒后再试。", "Please try again in {n} seconds.";
    LoginHelp => "忘记密码请联系社区工作人员重置。", "Forgot your password? Ask community staff to reset it.";

    // Home
    Welcome => "您好，{name}", "Hello, {name}";
    YourRoles => "您的身份", "Your roles";
    YourGrids => "负责网格", "Your grids";
    QuickLinks => "常用功能", "Quick links";
    QuickPlaces => "浏览网格", "Browse grids";
    QuickPlacesHint => "社区、网格、楼栋和住户", "Community, grids, buildings and households";
    QuickPlacesHintPublic => "社区、网格、楼栋及负责人", "Community, grids, buildings and their leaders";
    QuickSearch => "查找居民或地点", "Find a resident or place";
    QuickSearchHint => "按姓名、楼栋或地址查找", "By name, building or address";
    QuickSearchHintPublic => "按名称或地址查找地点", "Find places by name or address";
    QuickUsers => "管理账号", "Manage accounts";
    QuickUsersHint => "新建账号、分配角色和网格", "Create accounts, assign roles and grids";
    QuickAudit => "查看操作日志", "Read the audit log";
    QuickAuditHint => "谁在何时查看或修改了什么", "Who read or changed what, and when";
    QuickData => "导入导出数据", "Import and export data";
    QuickDataHint => "下载或批量导入网格层级和居民", "Download or bulk-import the hierarchy and residents";
    TileBoard => "事件看板", "Case board";
    TileBoardHint => "拖动卡片推进事件，逾期的一目了然", "Move cases along; what is overdue stands out";
    TileMap => "网格地图", "Grid map";
    TileMapHint => "网格、事件和隐患都在地图上，点地图即可上报", "Grids, cases and hazards on the map; tap it to report";
    TileReport => "上报问题", "Report a problem";
    TileReportHint => "路面坑洼、井盖缺失、飞线充电……拍张照片告诉我们", "A hole, a missing cover, dangling cables: tell us with a photo";
    TileMyReports => "我的上报", "My reports";
    TileMyReportsHint => "看看您反映的问题办到哪一步了", "See how far your reports have got";
    TileMediation => "矛盾调解", "Mediation";
    TileMediationHint => "邻里纠纷的申请、进展和调解协议", "Neighbour disputes: requests, progress and agreements";
    TileCouncil => "网格议事", "Grid council";
    TileCouncilHint => "提议题、表支持、参与投票，看决定怎么落实", "Raise, support and vote on items; follow the decisions";
    TileCare => "关爱服务", "Care";
    TileCareHint => "待走访、代办事项和幸福餐桌", "Due visits, errands and community meals";
    TileMailbox => "书记信箱", "Secretary's mailbox";
    TileMailboxHint => "给社区书记写信，在这里看回复", "Write to the community secretary and read the answer here";
    TileSettings => "系统设置", "Settings";
    TileSettingsHint => "类别、责任单位、时限、工作日历和看板限额", "Categories, responsible parties, time limits, calendar and board limits";
    NoGridsAssigned => "尚未分配网格，请联系管理员。", "No grid assigned yet; please ask an administrator.";

    // Places
    PlacesTitle => "网格浏览", "Browse grids";
    PlacesIntro => "从街道、社区逐级查看网格、楼栋和住户。", "Go down from street and community to grids, buildings and households.";
    Breadcrumbs => "当前位置", "You are here";
    AllPlaces => "全部", "All";
    Code => "编号", "Code";
    Name => "名称", "Name";
    Address => "地址", "Address";
    Leaders => "负责人", "Leaders";
    NoLeaders => "尚未登记负责人", "No leaders registered";
    LeaderTitle => "职务", "Title";
    LeaderName => "姓名", "Name";
    AddLeader => "添加负责人", "Add a leader";
    RemoveLeader => "移除", "Remove";
    ChildrenOf => "下属{kind}", "{kind}";
    NoChildren => "暂无下属{kind}。", "No {kind} yet.";
    ChildCount => "{n} 个{kind}", "{n} {kind}";
    ResidentCount => "{n} 位居民", "Residents: {n}";
    PeopleHidden => "住户和居民信息仅对本网格的网格员和社区工作人员开放。", "Households and residents are shown only to the grid's workers and community staff.";
    AddChild => "新增{kind}", "Add a {kind}";
    EditPlace => "编辑{kind}", "Edit this {kind}";
    PlaceCreated => "已新增“{name}”。", "“{name}” was added.";
    ResidentsOfHousehold => "本户居民", "Residents of this household";
    NoResidents => "本户暂无登记居民。", "No residents registered in this household.";
    // The list of the people of one's grids
    NavPeople => "网格居民", "Residents";
    PeopleTitle => "网格居民", "Residents of my grids";
    PeopleIntro => "按姓名查找，按网格、微网格筛选；身份证号和电话已隐去。", "Find by name, narrow by grid and micro-grid; ID numbers and phones are masked.";
    PeopleTileHint => "本网格居民一览，按姓名查找", "Everyone in your grids, searchable by name";
    PeopleAllMyGrids => "我负责的全部网格", "All my grids";
    PeopleMicroGrid => "微网格", "Micro-grid";
    PeopleWholeGrid => "整个网格", "The whole grid";
    PeopleSearch => "按姓名查找", "Find by name";
    PeopleShown => "第 {from}–{to} 人，共 {total} 人", "{from}–{to} of {total}";
    PeopleNone => "没有符合条件的居民。", "No residents match.";
    PeoplePages => "翻页", "Pages";
    PagePrevious => "上一页", "Previous page";
    PageNext => "下一页", "Next page";
    AddResident => "登记居民", "Register a resident";

    // Residents
    ResidentTitle => "居民信息", "Resident";
    BirthYear => "出生年份", "Year of birth";
    IdNumber => "身份证号", "ID card number";
    Phone => "联系电话", "Phone";
    SpecialGroups => "特殊群体", "Special groups";
    NoSpecialGroups => "无", "None";
    Household => "所在户", "Household";
    UpdatedAt => "最近更新", "Last updated";
    NotRecorded => "未登记", "Not recorded";
    MaskedNote => "为保护隐私，身份证号和电话已部分隐藏。", "ID number and phone are partly hidden to protect privacy.";
    Reveal => "查看完整信息", "Show full record";
    RevealNote => "查看完整信息会记入操作日志。", "Viewing the full record is written to the audit log.";
    HideSensitive => "隐藏完整信息", "Hide full record";
    SensitiveTitle => "完整信息", "Full record";
    EditResident => "修改居民信息", "Edit resident";
    EditSensitiveTitle => "身份证号、电话和特殊群体", "ID number, phone and special groups";
    EditSensitiveKept => "这些信息保持不变。如需修改，请先读取完整信息（会记入操作日志）。", "These stay as they are. To change them, first load the full record (this is written to the audit log).";
    EditSensitiveLoad => "读取完整信息以修改", "Load the full record to change them";
    EditSensitiveLoaded => "已读取完整信息（已记入操作日志）。清空某项即删除该信息。", "Full record loaded (written to the audit log). Emptying a field removes it.";
    MoveHousehold => "迁到其他户", "Move to another household";
    MoveHouseholdCancel => "不迁户", "Keep the household";
    MoveHouseholdSearch => "查找户（编号、门牌或地址）", "Find a household (code, number or address)";
    MoveHouseholdNone => "没有找到与“{q}”相关的户。", "No household found for “{q}”.";
    MoveHouseholdPick => "选择新的户", "Choose the new household";
    CurrentHousehold => "当前所在户", "Current household";
    ResidentCreated => "已登记居民“{name}”。", "Resident “{name}” was registered.";
    IdNumberHint => "18 位，最后一位可以是 X", "18 characters; the last may be X";
    PhoneHint => "手机 11 位，或带区号的座机，如 021-12345678", "11-digit mobile, or landline with area code such as 021-12345678";
    RevealPurposeLegend => "查看目的", "Why do you need the full record?";
    RevealPurposeHint => "身份证号、电话和特殊群体属于敏感个人信息。请先选择查看目的，目的会和这次查看一起记入操作日志。", "ID number, phone and special groups are sensitive personal information. Choose why you need them first; the purpose is written to the audit log with this read.";
    RevealConfirm => "确认查看", "Show the record";
    PurposeNote => "补充说明", "Details";
    PurposeNoteHint => "选“其他”时必填，最多 100 字", "Required with “Other”; up to 100 characters";
    GroupsPurposeLegend => "处理目的（特殊群体有变动时必填）", "Purpose (required when special groups change)";
    GroupsPurposeHint => "特殊群体属于敏感个人信息，标记或取消都要写明处理目的。", "Special groups are sensitive personal information: adding or removing one needs the purpose of processing.";
    GroupSetFor => "目的：{purpose}", "Purpose: {purpose}";
    GroupSetBy => "{who} 标记于 {at}", "Set by {who}, {at}";
    GroupNoPurpose => "未记录目的（早于目的登记）", "No purpose recorded (set before purposes were kept)";

    // Search
    SearchTitle => "搜索", "Search";
    SearchLabel => "姓名、楼栋或地址", "Name, building or address";
    SearchLabelPublic => "地点名称或地址", "Place name or address";
    SearchButton => "搜索", "Search";
    SearchPlaces => "地点", "Places";
    SearchResidents => "居民", "Residents";
    SearchNothing => "没有找到与“{q}”相关的结果。", "Nothing found for “{q}”.";
    SearchHint => "请输入至少一个字。", "Type at least one character.";
    SearchScopeNote => "只显示您有权查看的居民。", "Only residents you are allowed to see are shown.";

    // Users
    UsersTitle => "用户管理", "Users";
    NewUser => "新建用户", "New user";
    DisplayName => "姓名", "Full name";
    Roles => "角色", "Roles";
    Grids => "网格", "Grids";
    GridsHint => "网格员只能查看所选网格的居民。", "Grid workers see only residents of the chosen grids.";
    NoGridsAvailable => "暂无可选网格。", "No grids to choose from.";
    Disabled => "已停用", "Disabled";
    AccountDisabled => "停用此账号", "Disable this account";
    CreatedAt => "创建时间", "Created";
    CreateUser => "创建用户", "Create user";
    UserCreated => "已创建用户“{name}”。", "User “{name}” was created.";
    EditUser => "编辑用户", "Edit user";
    ResetPassword => "重置密码", "Reset password";
    NewPassword => "新密码", "New password";
    PasswordHint => "至少 10 个字符", "At least 10 characters";
    PasswordReset => "密码已重置。", "The password was reset.";
    VersionConflictReloaded => "该用户已被他人修改，已载入最新内容，请核对后再保存。", "Someone else changed this user; the latest version is loaded — check it and save again.";
    NoUsers => "暂无用户。", "No users.";
    BackToUsers => "返回用户列表", "Back to users";
    // The person picker (who gets the work)
    PersonSearch => "输入姓名查找", "Type a name to search";
    PersonGrid => "所在网格", "Grid";
    PersonAnyGrid => "全部网格", "All grids";
    PersonNoneFound => "没有找到这个人，请换个名字或网格再试。", "Nobody found; try another name or grid.";
    PersonResults => "查找结果", "Search results";
    PersonChange => "更换", "Change";
    PersonAddOne => "再添加一位", "Add one more";
    PersonRemove => "移除", "Remove";
    PersonNoneChosen => "尚未选择", "Nobody chosen yet";

    // Bulk data
    DataTitle => "数据导入导出", "Import & export";
    DataIntro => "下载网格层级和居民数据，或从文件批量导入。导入时先检查每一行，全部通过后才能写入；只要有一行有问题，就不会写入任何内容。", "Download the hierarchy and the residents, or import them from a file. An import first checks every row and can only be written when all rows pass; if any row has a problem, nothing is written.";
    DataPlacesTitle => "网格层级", "Hierarchy";
    DataPlacesIntro => "街道、社区、网格、微网格、楼栋和户，包括编号、负责人和地图图形（GeoJSON 格式）。", "Streets, communities, grids, micro-grids, buildings and households with codes, leaders and map shapes (GeoJSON).";
    DataResidentsTitle => "居民", "Residents";
    DataResidentsIntro => "全部居民的所在户、姓名、身份证号、电话和特殊群体（CSV 格式，UTF-8 编码）。", "Every resident's household, name, ID number, phone and special groups (CSV, UTF-8).";
    DownloadPlaces => "下载网格层级（GeoJSON）", "Download the hierarchy (GeoJSON)";
    DownloadResidents => "下载居民数据（CSV）", "Download residents (CSV)";
    Downloading => "正在准备下载…", "Preparing the download…";
    Downloaded => "已下载“{file}”。", "Downloaded “{file}”.";
    ExportWarningTitle => "导出全部居民信息前请确认", "Before you export every resident's details";
    ExportWarning => "此文件包含全部居民完整的身份证号、电话号码和特殊群体信息，导出操作会记入操作日志。请只保存在单位的电脑上，不要通过微信、QQ 或邮件转发，用完及时删除。", "This file holds every resident's full ID number, phone and special groups, and the export is written to the audit log. Keep it on an office computer only, do not forward it by WeChat, QQ or e-mail, and delete it when you are done.";
    ExportConfirm => "我已了解，下载", "I understand, download";
    ImportTitle => "导入", "Import";
    ImportPlacesHint => "GeoJSON 要素集合（FeatureCollection），每个要素的 properties 包括 kind、code、name、parent_code、address、leaders。已有编号的地点会被更新，新编号会新建在 parent_code 之下。", "A GeoJSON FeatureCollection; each feature's properties hold kind, code, name, parent_code, address and leaders. Places whose code exists are updated; new codes are created under parent_code.";
    ImportResidentsHint => "Excel 花名册（.xlsx）或 CSV 文件（UTF-8 编码）。表头用下面的英文列名或中文列名均可，Excel 表头上方可以有标题行。多个特殊群体用分号或顿号分隔（如“独居、高龄”）。只能新增居民；身份证号已登记的行会被拒绝。", "An Excel roster (.xlsx) or a CSV file (UTF-8). The header may use the English or the Chinese column names below; in Excel a title may stand above it. Separate several special groups with semicolons; a group may be given by its code or its Chinese name. Adds new residents only; rows whose ID number is already registered are refused.";
    ImportColumnsChinese => "中文表头：", "Chinese headings: ";
    ImportColumns => "表头：", "Header: ";
    NoFileChosen => "未选择文件", "No file chosen";
    ImportGroupCodes => "特殊群体代码（也可写中文名）", "Special group codes (or their Chinese names)";
    ChooseGeoJson => "选择 GeoJSON 文件", "Choose a GeoJSON file";
    ChooseCsv => "选择 Excel 或 CSV 文件", "Choose an Excel or CSV file";
    Checking => "正在检查文件…", "Checking the file…";
    Importing => "正在导入…", "Importing…";
    CheckAgain => "重新检查", "Check again";
    CheckResult => "检查结果：{file}", "Check of {file}";
    RowsAccepted => "可以导入：{n} 行", "Can be imported: {n}";
    RowsRejected => "有问题：{n} 行", "With problems: {n}";
    NothingWritten => "尚未写入任何内容。请修改文件中标出的行，然后重新选择文件。", "Nothing has been written. Correct the rows listed below in the file, then choose it again.";
    ReadyToImport => "全部 {n} 行检查通过，尚未写入。", "Every row passed the check ({n} in all); nothing is written yet.";
    ImportNow => "立即导入 {n} 行", "Import now ({n})";
    ImportDone => "已导入 {n} 行。", "Imported: {n}.";
    ImportNotCommitted => "文件在检查后发生了变化，未写入任何内容，请重新检查。", "The data changed after the check; nothing was written. Please check again.";
    ImportEmpty => "文件中没有可导入的行。", "The file has no rows to import.";
    RejectedRows => "有问题的行", "Rows with problems";
    RowNumberCsv => "行号从表头下一行开始计：第 1 行是表头下面的第一行。", "Rows are counted from the line below the header: row 1 is the first line after the header.";
    RowNumberWorkbook => "行号即 Excel 表格左侧显示的行号。", "Rows are numbered as Excel shows them at the left of the sheet.";
    RowNumberGeoJson => "行号是地点在文件中的顺序：第 1 行是第一个要素（feature）。", "Rows are the order of places in the file: row 1 is the first feature.";
    ColRow => "行", "Row";
    ColField => "字段", "Field";
    ColProblem => "问题", "Problem";
    MoreProblems => "另有 {n} 个问题未列出。", "Not listed here: {n} more.";
    FileNotUtf8 => "文件不是 UTF-8 编码。请在 Excel 中选择“另存为 → CSV UTF-8（逗号分隔）”后再导入。", "The file is not UTF-8. In Excel choose “Save as → CSV UTF-8 (comma delimited)” and import it again.";
    FileNotJson => "文件不是有效的 JSON，请选择导出的 GeoJSON 文件。", "The file is not valid JSON; choose a GeoJSON file such as the export.";
    FileTooLarge => "文件超过 64 MB，请分成几个文件导入。", "The file is larger than 64 MB; split it into several files.";
    FileUnreadable => "无法读取这个文件。", "The file could not be read.";
    FieldHouseholdCode => "户编号", "Household code";
    FieldKind => "层级", "Level";
    FieldParentCode => "上级编号", "Parent code";
    FieldGeometry => "地图图形", "Map shape";
    FieldRow => "整行", "Whole row";
    FieldHeader => "表头", "Header";
    FieldFeatures => "文件内容", "File content";

    // Navigation for cases and the board
    NavBoard => "看板", "Board";
    NavReport => "上报问题", "Report";
    NavMyReports => "我的上报", "My reports";
    All => "全部", "All";
    Dismiss => "知道了", "Dismiss";
    Submit => "提交", "Submit";
    ChooseOne => "请选择", "Choose…";
    Sending => "正在提交…", "Sending…";

    // Reporting a problem
    ReportTitle => "上报问题", "Report a problem";
    ReportIntro => "告诉我们哪里出了问题，社区会尽快处理，并通知您处理进展。", "Tell us what is wrong and where; the community will handle it and keep you informed.";
    CaseTitleLabel => "问题简述", "What is the problem?";
    CaseTitleHint => "一句话说明，如“3栋门口路灯不亮”", "One line, e.g. “Street light out at building 3”";
    CategoryGroup => "问题类别", "Kind of problem";
    CategoryItem => "具体问题", "Problem";
    Category => "类别", "Category";
    Urgency => "紧急程度", "Urgency";
    CaseSource => "来源", "Source";
    CaseOrigin => "转自", "Filed from";
    CasePlace => "地点", "Where";
    Where => "问题地点", "Where";
    ChosenPlace => "已选地点", "Chosen place";
    NoPlaceChosen => "尚未选择地点。", "No place chosen yet.";
    FindPlace => "查找楼栋或地址", "Find a building or address";
    NoPlaceFound => "没有找到这个地点，请换个说法或按网格选择。", "No such place; try other words or choose a grid.";
    OrChooseGrid => "或按网格选择", "Or choose a grid";
    UseMyLocation => "使用我的位置", "Use my location";
    Locating => "正在定位…", "Finding your location…";
    LocationSet => "已记录位置：经度 {lon}，纬度 {lat}", "Location recorded: longitude {lon}, latitude {lat}";
    ClearLocation => "清除位置", "Clear location";
    LocationFailed => "无法获取位置，可以只选择地点。", "Could not get your location; choosing the place is enough.";
    LocationOutsideGrids => "您的位置不在本社区的任何网格内，请在上方查找或按网格选择地点。", "Your location is outside every grid of the community; please find the place above or choose a grid.";
    CaseDescription => "详细描述", "Details";
    HideMyName => "不公开我的姓名", "Hide my name";
    HideMyNameHint => "勾选后，只有社区工作人员能看到是谁上报的。", "Only community staff will see who reported it.";
    PossibleDuplicates => "可能重复", "Possible duplicates";
    PossibleDuplicatesIntro => "附近已有同类问题正在处理。如果是同一件事，可以不必重复上报；如果不是，请点“仍然上报”。", "Cases of the same kind nearby are already being handled. If it is the same problem there is no need to report it again; otherwise press “Report anyway”.";
    ReportSubmit => "提交上报", "Send report";
    ReportAnyway => "仍然上报", "Report anyway";
    AlsoMine => "我也遇到了", "I have this problem too";
    AlsoMineDone => "已记下：您也遇到了这个问题。社区会一并处理，不必再报。", "Noted: you have this problem too. It is handled as one; no need to report it again.";
    DuplicateDistance => "约 {n} 米外", "about {n} m away";
    DuplicateSamePlace => "同一地点", "same place";
    DuplicateHere => "就在附近", "right here";
    DuplicateAlsoCount => "另有 {n} 人也遇到了", "{n} more have it too";
    DuplicateOpen => "查看此事件", "Open this case";
    CaseAlsoReported => "另有 {n} 人表示也遇到了这个问题", "{n} more people said they have this problem too";
    ReportFiled => "已收到您的上报，处理进展会通知您。", "Your report was received; we will let you know how it goes.";

    // My reports and one case
    MyReportsTitle => "我的上报", "My reports";
    NoReports => "您还没有上报过问题。", "You have not reported anything yet.";
    Overdue => "超期", "Overdue";
    CaseTitle => "事件详情", "Case";
    WhatNext => "办理", "Next steps";
    NoActions => "您目前不需要对此事件做任何操作。", "There is nothing for you to do on this case now.";
    MoveDone => "已{action}，当前环节：{stage}。", "Done: {action}. Now: {stage}.";
    // 督办 (directives)
    NavDirectives => "督办", "Directives";
    DirectivesTitle => "督办事项", "Directives";
    DirectivesMine => "交给我的", "Mine";
    DirectivesAll => "全部", "All";
    DirectivesOverdueOnly => "只看超期", "Overdue only";
    DirectiveStateFilter => "状态", "State";
    DirectivesNone => "没有督办事项。", "No directives.";
    DirectiveBadge => "督办", "Directive";
    DirectiveIssueTitle => "下达督办", "Issue a directive";
    DirectiveInstruction => "督办要求", "Instruction";
    DirectiveDeadline => "办结期限", "Due by";
    DirectiveAddressee => "承办人", "For";
    DirectiveIssue => "下达", "Issue";
    DirectiveIssued => "督办已下达。", "The directive was issued.";
    DirectiveFrom => "督办人", "Issued by";
    DirectiveStepDone => "已{step}。", "{step}: done.";
    DirectiveNote => "说明", "Note";
    DirectiveChanged => "此督办刚被他人更新，已显示最新状态。", "Someone else just changed this directive; the latest state is shown.";
    DirectivesOnCase => "督办", "Directives";
    DirectivesOnDecision => "落实督办", "Directives on carrying it out";
    DirectivesOnTerms => "履行督办", "Directives on the terms";
    DirectiveTerm => "协议条款", "Agreement term";
    StatsDirectives => "督办（按网格、月份）", "Directives by grid and month";
    StatsGrid => "网格", "Grid";
    StatsMonth => "月份", "Month";
    StatsDirectivesIssued => "下达", "Issued";
    StatsDirectivesAcknowledged => "按时签收", "Acknowledged in time";
    StatsDirectivesOverdue => "逾期", "Overdue";
    // Approvals (审批) and their ledger
    NavLedger => "审批台账", "Approvals";
    RequestsTitle => "申请审批", "Ask for approval";
    RequestReason => "申请理由", "Reason";
    RequestKindAsk => "申请{kind}", "Request: {kind}";
    RequestNewDeadline => "新的期限", "New deadline";
    RequestSubmit => "提交申请", "Submit";
    RequestSent => "申请已提交，等待审批。", "Request sent; waiting for approval.";
    RequestPending => "待审批：{kind}", "Waiting for approval: {kind}";
    RequestBy => "{name} 申请，理由：{reason}", "{name} asked: {reason}";
    RequestApprove => "批准", "Approve";
    RequestReject => "驳回", "Reject";
    RequestDecisionNote => "审批意见", "Decision note";
    RequestDecided => "已审批。", "Decided.";
    LedgerTitle => "审批台账", "Approvals ledger";
    LedgerKind => "申请类型", "Kind";
    LedgerState => "审批状态", "State";
    LedgerFrom => "申请日期自", "Asked from";
    LedgerTo => "至", "to";
    LedgerCase => "事件", "Case";
    LedgerRequested => "申请", "Request";
    LedgerDecided => "审批", "Decision";
    LedgerNone => "没有符合条件的审批记录。", "No requests match.";
    LedgerTotal => "共 {n} 条", "{n} in all";
    AnyOption => "全部", "Any";
    CaseChangedReloaded => "此事件刚被他人更新，已显示最新状态，请核对后再操作。", "Someone else just changed this case; the latest state is shown — check it and try again.";
    UndoMove => "撤销刚才的操作", "Undo that";
    Undone => "已撤销。", "Undone.";
    ReworkCount => "返工 {n} 次", "Reworked {n}×";
    Reporter => "上报人", "Reported by";
    ReporterHidden => "（不公开）", "(hidden)";
    ReportedAt => "上报时间", "Reported";
    Deadline => "办理时限", "Deadline";
    History => "办理记录", "History";
    Satisfaction => "满意度", "Satisfaction";
    ScoreOf => "{n} 分", "{n} of 5";
    RateTitle => "请为处理结果打分", "Rate how it was handled";
    RateChange => "修改评分", "Change the rating";
    Note => "说明", "Note";
    RefusalReason => "不予立案的理由", "Reason for refusing";
    ResponsibleParty => "责任单位", "Responsible party";
    Assignee => "办理人", "Assignee";
    NoAssignee => "未指派", "Unassigned";
    DeadlineFromSla => "办理时限按类别和紧急程度自动计算。", "The deadline follows from the category and urgency.";
    PostponeUntil => "延期至", "Postpone until";
    PostponeReason => "缓办理由", "Why postpone";
    WhatWasDone => "处置情况", "What was done";
    PhotoLater => "可附一张处置后的照片。", "You may attach a photo of the result.";
    AddPhotos => "添加照片", "Add photos";
    AddPhoto => "添加照片", "Add a photo";
    Photos => "照片", "Photos";
    NoPhotos => "还没有照片。", "No photos yet.";
    PhotoLimits => "JPEG、PNG 或 WebP，每张不超过 {mb} MB；上传时会去掉位置信息。", "JPEG, PNG or WebP, at most {mb} MB each; location data is removed on upload.";
    PhotoWrongType => "不是支持的图片格式（只支持 JPEG、PNG、WebP）", "not a supported image type (JPEG, PNG or WebP only)";
    PhotoTooLarge => "文件太大，每张照片不超过 12 MB", "too large; each photo must be at most 12 MB";
    PhotoTooMany => "照片太多，每个问题最多 12 张", "too many photos; at most 12 per case";
    PhotoN => "照片 {n}", "Photo {n}";
    RemovePhotoN => "移除照片 {n}", "Remove photo {n}";
    ReportPhoto => "上报照片", "Report photo";
    FeedbackPhoto => "处置照片", "Result photo";
    Uploading => "正在上传照片…", "Uploading photos…";
    PhotoUploadFailed => "问题已上报，但有照片没有传上去，可在此页重新添加。", "The report was filed, but some photos did not upload; you can add them again here.";
    Close => "关闭", "Close";
    CardPhotoAlt => "问题照片", "Photo of the problem";
    FiltersToggle => "筛选", "Filters";
    TouchLifted => "已拿起“{title}”，拖到目标列后松手。", "Picked up “{title}”; drag it to a column and lift your finger.";

    // Notifications
    Notifications => "消息", "Notifications";
    NotificationsUnread => "（{n} 条未读）", " ({n} unread)";
    MarkAllRead => "全部标为已读", "Mark all as read";
    NoNotifications => "暂无消息。", "No notifications.";
    Unread => "未读", "Unread";

    // Map
    NavMap => "地图", "Map";
    MapTitle => "网格地图", "Grid map";
    MapIntro => "查看网格、楼栋和事件；点击网格查看详情，长按地图在该处上报问题。", "See grids, buildings and cases; click a grid for details, long-press the map to report a problem there.";
    MapCanvasLabel => "社区网格地图", "Community grid map";
    MapHelp => "拖动或用方向键移动地图，滚轮、双指或 +/− 键缩放，0 键显示全社区。键盘：Enter 查看中心十字处的网格，R 在中心处上报。", "Drag or use the arrow keys to move; wheel, pinch or +/− to zoom; 0 shows the whole community. Keyboard: Enter opens the grid under the centre cross, R reports there.";
    MapHelpTouch => "用一根手指拖动地图，两指捏合缩放。点一下网格或楼栋即可查看，并可在此处上报问题。", "Drag the map with one finger, pinch to zoom. Tap a grid or a building to see it and to report a problem there.";
    MapZoomIn => "放大", "Zoom in";
    MapZoomOut => "缩小", "Zoom out";
    MapFit => "显示全社区", "Whole community";
    MapLocationFailed => "无法获取您的位置。", "Could not get your location.";
    MapLayers => "图层", "Layers";
    MapLayerGrids => "网格", "Grids";
    MapLayerMicroGrids => "微网格", "Micro-grids";
    MapLayerBuildings => "楼栋", "Buildings";
    MapLayerLabels => "名称", "Names";
    MapLayerCases => "事件", "Cases";
    MapLayerHeat => "事件热力图", "Case heat map";
    MapLayerTiles => "底图", "Base map";
    MapHeatWindow => "热力图时间范围", "Heat map period";
    MapLastDays => "最近 {n} 天", "Last {n} days";
    MapColourBy => "网格着色", "Colour grids by";
    MapColourNone => "不着色", "Nothing";
    MapColourOpen => "未结事件数", "Open cases";
    MapColourOverdue => "超期事件数", "Overdue cases";
    MapLegend => "图例", "Legend";
    MapOverdue => "已超期", "Overdue";
    MapRampHint => "颜色越深，事件越多", "Darker means more cases";
    MapHeatHint => "事件越集中，红色越深", "Redder where cases cluster";
    MapLeaders => "负责人", "Leaders";
    MapBuildings => "楼栋数", "Buildings";
    MapOpenCases => "未结事件", "Open cases";
    MapOverdueCases => "超期事件", "Overdue cases";
    MapSpecialHouseholds => "特殊人群户数", "Special-group households";
    MapGridBoard => "本网格看板", "This grid's board";
    MapGridPeople => "网格人员与房屋", "People and homes";
    MapReportHere => "在此处上报问题", "Report a problem here";
    MapEditOutline => "编辑边界", "Edit outline";
    MapDrillDown => "逐级查看", "Drill down";
    MapMicroGrids => "微网格", "Micro-grids";
    MapOpenPlace => "打开详情页", "Open its page";
    MapNothingBelow => "下面没有可显示的内容。", "Nothing to show below.";
    MapOpenCase => "查看事件", "Open the case";
    MapNoGridHere => "此处不属于任何网格", "No grid here";
    MapClosePanel => "关闭详情", "Close details";
    MapNotEditable => "这个区域的形状不能在地图上编辑。", "This area's shape cannot be edited on the map.";
    MapEditing => "正在编辑“{name}”的边界", "Editing the outline of “{name}”";
    MapEditHelp => "拖动圆点移动顶点；点击边线添加顶点；选中顶点后按 Delete 或点“删除顶点”。方向键微调选中的顶点。", "Drag a dot to move a corner; click an edge to add one; select a corner and press Delete or “Remove corner”. Arrow keys nudge the selected corner.";
    MapRemoveVertex => "删除顶点", "Remove corner";
    MapEditDone => "结束编辑", "Done";
    MapUndoOutline => "撤销上次更改", "Undo the last change";
    MapEditMicroGrid => "编辑此微网格边界", "Edit this micro-grid's outline";
    MapCut => "沿线分割", "Split along a line";
    MapCutHelp => "在地图上点两下，画一条穿过此微网格的线；再填写新微网格的编号和名称。", "Click twice on the map to draw a line across this micro-grid, then give the new micro-grid a code and name.";
    MapCutNeedsLine => "请先在地图上点两下画出分割线。", "First click twice on the map to draw the line.";
    MapCutSave => "分割", "Split";
    MapSplitDone => "已分割，楼栋已按位置归入两个微网格。", "Split; each building now belongs to the part it stands in.";
    MapMergeWith => "与相邻微网格合并", "Merge with a neighbouring micro-grid";
    MapMerge => "合并", "Merge";
    MapMergeDone => "已合并。", "Merged.";
    MapLayerHazards => "安全隐患", "Hazards";
    MapLayerSpecial => "特殊人群户", "Special-group households";
    MapLayerVisits => "本月走访", "Visits this month";
    MapLayerPatrols => "巡查轨迹", "Patrol tracks";
    MapLegendSpecial => "各微网格特殊人群户数（只显示数字）", "Special-group households per micro-grid (a number only)";
    MapLegendVisits => "各微网格本月走访次数", "Care visits this month per micro-grid";
    MapPatrol => "巡查", "Patrol";
    MapPatrolGrid => "巡查网格", "Grid to patrol";
    MapPatrolStart => "开始巡查", "Start patrol";
    MapPatrolEnd => "结束巡查", "End patrol";
    MapPatrolUnderWay => "正在巡查{grid}，已上传 {n} 个位置点。", "Patrolling {grid}; {n} positions sent.";
    MapPatrolStarted => "巡查已开始，正在记录轨迹。", "Patrol started; the track is being recorded.";
    MapPatrolEnded => "巡查已结束，轨迹已保存。", "Patrol ended; the track is saved.";
    MapPatrolDay => "轨迹日期", "Tracks of the day";
    MapPatrolCount => "当天巡查 {n} 次", "{n} patrols that day";
    MapVisitsThisMonth => "本月走访", "Visits this month";
    MapGridCouncil => "网格议事", "Grid council";
    MapDrawNew => "画新微网格", "Draw a new micro-grid";
    MapDrawing => "在“{name}”中画新微网格", "Drawing a new micro-grid in “{name}”";
    MapDrawHelp => "在地图上依次点击各个顶点；按 Enter、双击或点“完成”结束，按 Esc 取消，退格键撤回上一个顶点。", "Click the corners one by one; Enter, a double click or “Finish” ends the outline, Esc cancels, Backspace takes back the last corner.";
    MapDrawFinish => "完成边界", "Finish outline";
    MapDrawNeedsCorners => "至少需要三个顶点。", "At least three corners are needed.";
    MapDrawSaved => "已新建“{name}”。", "“{name}” created.";
    MapDrawTakeBack => "撤销新建", "Take it back";
    MapDrawTakenBack => "已撤销新建的微网格。", "The new micro-grid was taken back.";
    MapPatrolInterrupted => "这次巡查没有结束（页面曾关闭或刷新）。可以继续记录位置，或结束巡查。", "This patrol was never ended (the page was closed or reloaded). Go on recording your position, or end it.";
    MapPatrolResume => "继续巡查", "Continue the patrol";
    MapPatrolResumed => "巡查继续，正在记录位置。", "Patrol continued; recording your position.";
    MapDrawNewGrid => "在此画新网格", "Draw a new grid here";
    MapDrawingGrid => "在“{name}”中画新网格", "Drawing a new grid in “{name}”";
    MapDrawTakenBackGrid => "已撤销新建的网格。", "The new grid was taken back.";

    // Board
    BoardTitle => "事件看板", "Case board";
    BoardHelp => "用鼠标拖动卡片；或用 Tab 选中卡片，按空格拿起，用方向键移动，再按空格放下，按 Esc 取消。按 Enter 打开事件，Ctrl+Z 撤销您的上一步。", "Drag cards with the mouse; or Tab to a card, press Space to pick it up, move it with the arrow keys, press Space to drop it and Escape to cancel. Enter opens the case; Ctrl+Z undoes your last move.";
    BoardHelpTouch => "按住卡片片刻，卡片拿起后拖到目标列再松手；拖到屏幕边缘时看板会自动滚动。点卡片标题打开事件。", "Touch and hold a card until it lifts, then drag it to a column and let go; near the edge of the screen the board scrolls along. Tap a card's title to open the case.";
    BoardEmpty => "没有符合条件的事件。", "No cases match.";
    FigureOpen => "在办", "Open";
    FigureOverdue => "超期", "Overdue";
    FigureClosure => "结案率", "Closure rate";
    FigureOnTime => "按期结案率", "Closed on time";
    FigureRework => "返工率", "Rework rate";
    FilterGrid => "网格", "Grid";
    FilterText => "标题或编号", "Title or number";
    OnlyOverdue => "只看超期", "Overdue only";
    ClearFilters => "清除筛选", "Clear filters";
    Swimlanes => "分组", "Swimlanes";
    LanesNone => "不分组", "None";
    LanesGrid => "按网格", "By grid";
    LanesAssignee => "按办理人", "By assignee";
    LanesCategory => "按类别", "By category";
    NoGrid => "未划网格", "No grid";
    DraggableCard => "可拖动的事件卡片", "movable case card";
    AgeInColumn => "在本环节停留的时间", "Time in this stage";
    InColumnFor => "已停留 {t}", "{t} in stage";
    SoftLimit => "建议上限 {n}", "Soft limit {n}";
    HardLimit => "上限 {n}", "Limit {n}";
    WipOver => "本列事件过多，请优先处理。", "Too many cases here; deal with these first.";
    WipFull => "本列已满，不能再移入。", "This column is full; nothing more can be moved in.";
    MoreCards => "另有 {n} 件未显示，请用筛选缩小范围。", "{n} more not shown; narrow the filter.";
    PickedUp => "已拿起“{title}”，位于“{stage}”列第 {pos} 个（共 {n} 个）。用方向键移动，空格放下，Esc 取消。", "Picked up “{title}” in {stage}, position {pos} of {n}. Arrow keys move, Space drops, Escape cancels.";
    KeyboardAt => "“{stage}”列，第 {pos} 个（共 {n} 个）。", "{stage}, position {pos} of {n}.";
    DroppedUnchanged => "已放下“{title}”，位置未变。", "Dropped “{title}”; it did not move.";
    MoveCancelled => "已取消，卡片回到原位。", "Cancelled; the card is back where it was.";
    MovedTo => "“{title}”已移到“{stage}”。", "“{title}” moved to {stage}.";
    ServerSays => "{reason}", "{reason}";
    Reordered => "已调整“{title}”的顺序。", "Reordered “{title}”.";
    NoSuchMove => "不能从“{from}”直接移到“{to}”，卡片已回到原位。", "A case cannot go from {from} straight to {to}; the card is back where it was.";
    NotYourMove => "您不能对此事件执行“{action}”，卡片已回到原位。", "You may not “{action}” this case; the card is back where it was.";
    MoveNeedsInput => "“{action}”需要填写几项内容。", "“{action}” needs a few details.";
    MoveRefused => "未能移动：{reason} 卡片已回到原位。", "Not moved: {reason} The card is back where it was.";
    MoveConflict => "“{title}”刚被他人移动，看板已更新为最新状态。", "“{title}” was just moved by someone else; the board now shows the latest state.";
    UndoneTo => "已撤销：“{title}”回到“{stage}”。", "Undone: “{title}” is back in {stage}.";
    NothingToUndo => "没有可以撤销的操作。", "Nothing to undo.";

    // Admin settings
    NavSettings => "系统设置", "Settings";
    SettingsTitle => "系统设置", "Settings";
    SettingsSections => "设置分类", "Settings sections";
    SettingsCategories => "事件类别", "Case categories";
    SettingsCategoriesIntro => "两级分类：部件、事件（GB/T 30428）与服务。停用的类别不再出现在上报表单中；公开的类别可通过 Open311 上报。", "Two levels: facilities, events (GB/T 30428) and services. Retired categories leave the report form; public ones can be reported through Open311.";
    SettingsParties => "责任单位", "Responsible parties";
    SettingsPartiesIntro => "事件可以派给的单位，如物业、供暖公司。停用后不能再被选中。", "The parties cases can be sent to, such as property management or the heating company. Retired parties can no longer be chosen.";
    SettingsSla => "办理时限", "Time limits (SLA)";
    SettingsSlaIntro => "按类别和紧急程度设定时限，按工作小时或工作日计算。新上报的事件使用新时限，已有事件不变。", "A limit per category and urgency, counted in working hours or working days. New reports get the new limits; existing deadlines stay.";
    SettingsCalendar => "工作日历", "Office calendar";
    SettingsCalendarIntro => "周一至周五 9:00–17:00 为工作时间。在这里登记法定节假日和调休上班日。", "Working hours are 9:00–17:00, Monday to Friday. Add public holidays and make-up working days here.";
    SettingsBoard => "看板在办上限", "Board WIP limits";
    SettingsBoardIntro => "每列的建议上限（超出时提醒）和上限（达到后不能再移入）。", "Per column: a soft limit that warns when exceeded, and a hard limit at which nothing more can be moved in.";
    SettingsOpen311 => "Open311 密钥", "Open311 keys";
    SettingsSupervision => "预警与升级", "Warnings and escalation";
    SettingsSupervisionIntro => "剩余时限不足设定比例时向承办人发出预警（黄牌）；逾期后按阶梯逐级升级（红牌）：承办人、网格长、书记、街道，每级间隔按工作小时计算。", "A warning (yellow card) goes to the assignee when the set share of the time limit is left; once overdue the case climbs the ladder (red card): assignee, grid leader, secretary, street, each step a number of working hours after the one before.";
    LadderDefault => "默认（其他类别）", "Default (all other categories)";
    LadderWarn => "剩余时限预警", "Warn with time left";
    LadderDelay => "间隔（工作小时）", "after (working hours)";
    LadderHint => "升级间隔从截止时间（第一级）或上一级起算；留空表示跳过该级。", "Each step counts from the deadline (the first) or the step before; leave a step empty to skip it.";
    LadderAddCategory => "为类别单独设置", "Own rule for a category";
    LadderAdd => "添加", "Add";
    LadderRemove => "移除", "Remove";
    LadderSaved => "预警与升级规则已保存，进行中的事件将按新规则重新计划。", "Warning and escalation rules saved; open cases are planned again by them.";
    Reminder => "提醒", "Reminder";
    MealCutoff => "助餐未送达提醒时间", "Remind of meals not delivered by";
    MealCutoffHint => "到此时仍未送达的助餐，提醒送餐人和网格员（北京时间）。", "Meals still not delivered at this time are reminded to the deliverer and the grid worker (Beijing time).";
    FilterMark => "督办标记", "Card";
    MarkAny => "全部", "Any";
    SettingsOpen311Intro => "外部平台（如 12345 热线）通过 Open311 接口上报事件时使用的 API 密钥。", "API keys for outside platforms (such as the 12345 hotline) that file cases through Open311.";
    ClassComponent => "部件", "Facilities";
    ClassEvent => "事件", "Events";
    ClassService => "服务", "Services";
    NewCategory => "新增类别", "Add a category";
    AddCategory => "添加类别", "Add category";
    NoCategories => "还没有类别。", "No categories yet.";
    NoItemsInGroup => "此分组下还没有类别。", "No categories in this group yet.";
    CategoryAdded => "已添加类别“{name}”。", "Category “{name}” added.";
    CategorySaved => "已保存类别“{name}”。", "Category “{name}” saved.";
    CategoryRetired => "已停用类别“{name}”。", "Category “{name}” retired.";
    CategoryRestored => "已恢复类别“{name}”。", "Category “{name}” restored.";
    CategoryPublished => "“{name}”已公开，可通过 Open311 上报。", "“{name}” is public: it can be reported through Open311.";
    CategoryWithdrawn => "“{name}”已取消公开。", "“{name}” is no longer public.";
    CategoryParent => "所属分组", "Group";
    NewGroupOption => "（新建一级分组）", "(a new first-level group)";
    CategoryClass => "分组类型", "Kind of group";
    CategoryCode => "编码", "Code";
    CategoryCodeHint => "字母、数字和连字符，如 E-ENV-03。创建后不能修改。", "Letters, digits and hyphens, e.g. E-ENV-03. It cannot be changed later.";
    NameZh => "中文名称", "Chinese name";
    NameEn => "英文名称", "English name";
    PublishToOpen311 => "公开（可通过 Open311 等公开渠道上报）", "Public (can be reported through Open311 and other public channels)";
    Retired => "已停用", "Retired";
    PublicBadge => "公开", "Public";
    InternalBadge => "仅内部", "Internal only";
    Rename => "重命名", "Rename";
    Publish => "公开", "Publish";
    Withdraw => "取消公开", "Unpublish";
    Retire => "停用", "Retire";
    Restore => "恢复", "Restore";
    NewParty => "新增责任单位", "Add a party";
    AddParty => "添加责任单位", "Add party";
    NoParties => "还没有责任单位。", "No responsible parties yet.";
    PartyAdded => "已添加责任单位“{name}”。", "Party “{name}” added.";
    PartySaved => "已保存责任单位“{name}”。", "Party “{name}” saved.";
    PartyRetired => "已停用责任单位“{name}”。", "Party “{name}” retired.";
    PartyRestored => "已恢复责任单位“{name}”。", "Party “{name}” restored.";
    NWorkingHours => "{n} 个工作小时", "{n} working hours";
    NWorkingDays => "{n} 个工作日", "{n} working days";
    OneWorkingHour => "1 个工作小时", "1 working hour";
    OneWorkingDay => "1 个工作日", "1 working day";
    NoLimit => "未设置", "Not set";
    SlaNoRuleHint => "未设置时限的事件没有办理期限。", "Cases without a limit get no deadline.";
    EditSlaFor => "{limit}，修改时限：{category} · {urgency}", "{limit}, change the limit: {category} · {urgency}";
    SlaSaved => "已保存：{category} · {urgency}：{limit}。", "Saved: {category} · {urgency}: {limit}.";
    LimitAmount => "时限", "Limit";
    LimitUnit => "单位", "Unit";
    WorkingDays => "工作日", "working days";
    WorkingHours => "工作小时", "working hours";
    CalendarDays => "已登记的日期", "Registered days";
    NoCalendarDays => "还没有登记节假日或调休日。", "No holidays or adjusted working days yet.";
    AddDay => "登记日期", "Add a day";
    Date => "日期", "Date";
    DayKindLabel => "类型", "Kind";
    DayHoliday => "节假日（休息）", "Holiday (day off)";
    DayWorkday => "调休上班", "Adjusted working day";
    DayName => "名称", "Name";
    DayNameHint => "如“国庆节”。", "For example “National Day”.";
    DaySaved => "已登记 {day}。", "{day} registered.";
    DayCleared => "{day} 已恢复为普通日。", "{day} is an ordinary day again.";
    ClearDay => "移除", "Remove";
    Monday => "星期一", "Monday";
    Tuesday => "星期二", "Tuesday";
    Wednesday => "星期三", "Wednesday";
    Thursday => "星期四", "Thursday";
    Friday => "星期五", "Friday";
    Saturday => "星期六", "Saturday";
    Sunday => "星期日", "Sunday";
    CasesInColumn => "现有 {n} 件", "{n} cases now";
    WipSoft => "建议上限", "Soft limit";
    WipHard => "上限", "Hard limit";
    WipHint => "留空表示不限。建议上限不能大于上限。", "Leave empty for no limit. The soft limit may not exceed the hard limit.";
    SaveLimits => "保存上限", "Save limits";
    WipSaved => "已保存看板上限。", "Board limits saved.";
    IssueApiKeyAction => "签发密钥", "Issue a key";
    ApiKeyClientName => "使用方", "Used by";
    ApiKeyClientNameHint => "如“12345 热线平台”。", "For example “12345 hotline platform”.";
    ApiKeyIssued => "已为“{name}”签发密钥。", "Key issued for “{name}”.";
    ApiKeyShownOnce => "密钥只显示这一次，请立即复制并安全地交给使用方。", "The key is shown only this once: copy it now and hand it over safely.";
    ApiKeyField => "API 密钥", "API key";
    ApiKeySavedDone => "我已保存密钥", "I have saved the key";
    IssuedKeys => "已签发的密钥", "Issued keys";
    NoKeys => "还没有签发密钥。", "No keys issued yet.";
    IssuedAt => "签发时间", "Issued";
    ApiKeyActiveBadge => "有效", "Active";
    ApiKeyRevokedBadge => "已吊销", "Revoked";
    Revoke => "吊销", "Revoke";
    ConfirmRevoke => "确认吊销", "Yes, revoke";
    RevokeQuestion => "吊销“{name}”的密钥后，它将不能再上报事件。", "Once revoked, the key of “{name}” can no longer file cases.";
    ApiKeyRevoked => "已吊销“{name}”的密钥。", "The key of “{name}” is revoked.";

    // Care
    NavCare => "关爱", "Care";
    NavMailbox => "书记信箱", "Mailbox";
    CareDueTitle => "待走访", "Due visits";
    CareDueIntro => "结对帮扶的居民按应访日期排列，逾期的在最前面。", "Residents you help, by when a visit is due; overdue ones first.";
    CareDueMine => "只看我结对帮扶的", "Only those I am paired with";
    CareDueEmpty => "目前没有需要走访的居民。结对帮扶建立后会显示在这里。", "No visits due. Residents appear here once they are paired with a helper.";
    CareDueCount => "共 {n} 位，其中 {late} 位已逾期", "Residents: {n}; overdue: {late}";
    CareOverdue => "已逾期", "Overdue";
    CareHelper => "帮扶人", "Helper";
    CareLastVisit => "上次走访", "Last visit";
    CareNeverVisited => "尚未走访", "Not visited yet";
    CareNextDue => "应访日期", "Next visit due";
    CareRecordVisit => "记录走访", "Record a visit";
    CareOpenRecord => "关爱档案", "Care record";
    CareStartRecord => "建立关爱档案", "Start a care record";
    CareBackToDue => "返回待走访", "Back to due visits";
    CareRecordTitle => "关爱档案：结对帮扶、走访记录和代办事项", "Care record: helpers, visits and errands";
    CareRecordAudited => "本档案仅对负责关爱的人员开放，每次查看都会记入操作日志。", "Only those who care for this resident see this record; every view is written to the audit log.";
    CarePairings => "结对帮扶", "Helpers";
    CareNoPairings => "尚未结对帮扶。", "No helper paired yet.";
    CareAddPairing => "新增结对", "Pair a helper";
    CarePairingSaved => "已与“{name}”结对。", "Paired with “{name}”.";
    CarePairingEnded => "已结束", "Ended";
    CareHelperName => "帮扶人姓名", "Helper's name";
    CareHelperAccount => "帮扶人账号", "Helper's account";
    CareHelperAccountHint => "填写后，对方登录即可看到待走访和代办事项。", "With an account they see their due visits and errands when signed in.";
    MealDelivererHint => "送餐员登录即可看到当天的送餐路线。", "Signed in, the deliverer sees the day's delivery route.";
    CareHelperKind => "帮扶人身份", "Helper is a";
    CareHelperKindAside => "（{kind}）", " ({kind})";
    CareRisk => "关注等级（决定走访频次）", "Risk level (sets how often to visit)";
    CarePurpose => "帮扶内容", "Purpose";
    CarePurposeHint => "例如：代购药品、每周探望、节日慰问", "For example: fetching medicine, weekly company, holiday greetings";
    CareContactSchedule => "联系安排", "Contact schedule";
    CareContactScheduleHint => "例如：每周二上午上门", "For example: Tuesday mornings at home";
    CareStartsOn => "结对开始日期", "Paired since";
    CareVisits => "走访记录", "Visits";
    CareNoVisits => "还没有走访记录。", "No visits recorded yet.";
    CareErrandsTitle => "代办事项", "Errands";
    CareErrandsIntro => "代购药品、代挂号、代缴费等，办好后由居民或网格员确认。", "Medicine, hospital registration, bills and more; confirmed by the resident or the grid worker once done.";
    CareErrandsEmpty => "暂无代办事项。", "No errands.";
    VisitTitle => "走访 {name}", "Visit to {name}";
    VisitMethod => "走访方式", "How";
    VisitNeeds => "居民需求", "What the resident needs";
    VisitNeedsHint => "如：降压药快吃完了。要转为代办或事件时必填。", "For example: blood-pressure pills running out. Needed when it becomes an errand or a case.";
    VisitObservations => "走访情况", "What you saw";
    VisitThen => "需求如何处理", "What happens with the need";
    VisitThenNothing => "无需跟进", "Nothing more";
    VisitThenErrand => "转为代办", "An errand";
    VisitThenCase => "转为事件", "A case";
    ErrandKindLabel => "代办类型", "Kind of errand";
    VisitSubmit => "保存走访记录", "Save the visit";
    VisitSaved => "走访已记录。", "Visit recorded.";
    VisitErrandMade => "已生成代办事项 #{n}", "Errand #{n} created";
    VisitOpenErrand => "{name}已有一件“{kind}”代办还没办完（{status}）。是同一件事就不必再建。", "{name} already has an open “{kind}” errand ({status}). If it is the same need, there is no need for another.";
    VisitOpenErrandLink => "查看代办事项 #{n}", "See errand #{n}";
    VisitOpenErrandConfirm => "这是另一件事，仍要新建代办", "This is another matter: make a new errand";
    VisitCaseMade => "已生成事件 #{n}", "Case #{n} created";
    ErrandHelper => "代办人", "Run by";
    ErrandAmount => "金额", "Amount";
    ErrandAmountYuan => "花费金额（元）", "Amount paid (yuan)";
    ErrandReceipt => "票据说明", "Receipt";
    ErrandReceiptHint => "例如：社区医院 硝苯地平缓释片 两盒", "For example: community clinic, two boxes of nifedipine";
    ErrandConfirmedBy => "确认人", "Confirmed by";
    ErrandAwaitsConfirmation => "已办好，等待老人本人或另一位照护人（网格员、社区工作人员）确认：办事的人不能自己确认。", "Done; waiting for the resident or another carer (grid worker, community staff) to confirm: whoever ran it cannot confirm it.";
    ErrandUpdated => "最近更新", "Last change";
    ErrandCancelQuestion => "确定取消这项代办吗？", "Cancel this errand?";
    ErrandCancelYes => "确定取消", "Yes, cancel it";
    MealsTitle => "幸福餐桌", "Meal service";
    MealsIntro => "为失独、残疾、空巢、高龄和独居老人提供堂食和送餐上门。", "Meals at the table or at the door for elderly and vulnerable residents.";
    MealsMenuOf => "今日菜单（{day}）", "Today's menu ({day})";
    MealsNoMenu => "今天的菜单还没有公布。", "Today's menu is not out yet.";
    MealsRoute => "我的送餐路线", "My delivery route";
    MealsRouteEmpty => "今天没有需要您送的餐。", "No meals for you to deliver today.";
    MealsDeliver => "已送达", "Delivered";
    MealsService => "餐桌管理", "Running the service";
    MealsSetMenu => "设置今日菜单", "Set today's menu";
    MealsOrdersToday => "今日订餐", "Today's orders";
    MealsPlaceOrders => "生成今日订餐", "Place today's orders";
    MealsOrdersPlaced => "今日共 {n} 份订餐。", "{n} orders for today.";
    MealsNoOrders => "今天还没有订餐。", "No orders for today yet.";
    MealsResident => "居民", "Resident";
    MealsMode => "用餐方式", "How";
    MealsDeliverer => "送餐人", "Delivered by";
    MealsStatus => "状态", "Status";
    MealsEnrolments => "已登记用餐的居民", "Enrolled residents";
    MealsNoEnrolments => "还没有居民登记用餐。", "No residents enrolled yet.";
    MealsEnrol => "登记用餐", "Enrol a resident";
    MealsEnrolled => "已为“{name}”登记用餐。", "“{name}” is enrolled.";
    MealsFindResident => "查找居民", "Find the resident";
    MealsEligibleHint => "可登记：{groups}。", "Who may enrol: {groups}.";
    MealsNotEligible => "该居民不属于可登记的群体（{groups}），不能登记用餐。", "This resident is not in a group that may enrol ({groups}).";
    MealsAlreadyEnrolled => "该居民已经登记用餐。", "This resident is already enrolled.";
    MealsChosen => "已选择", "Chosen";
    MealsNoneFound => "没有找到这位居民。", "No resident found.";
    MealsDelivererAccount => "送餐人", "Deliverer";
    MealsNotes => "饮食备注", "Diet notes";
    MealsCountsOf => "{month} 月度统计", "Counts for {month}";
    MealsMonthTotals => "本月订餐 {ordered} 份，已送达 {delivered} 份", "This month: {ordered} ordered, {delivered} delivered";
    MealsDay => "日期", "Day";
    MealsOrdered => "订餐", "Ordered";
    MealsDelivered => "已送达", "Delivered";
    MailboxTitle => "书记信箱", "Secretary's mailbox";
    MailboxIntro => "有事可以直接写信给社区党委书记，书记会亲自回复。", "Write directly to the community's party secretary; the secretary answers in person.";
    MailboxWrite => "写信给书记", "Write to the secretary";
    MailboxSubject => "标题", "Subject";
    MailboxBody => "内容", "Your letter";
    MailboxPrivate => "仅书记本人可见", "For the secretary's eyes only";
    MailboxPrivateHint => "勾选后只有书记能看到这封信，回复也不会公开。不勾选时社区工作人员也可以阅处，回复后会不署名公开。", "Ticked: only the secretary reads it and the answer is not made public. Unticked: community staff may handle it too, and once answered it is shown publicly without your name.";
    MailboxSend => "寄出", "Send";
    MailboxSent => "信已寄出。书记回复后会通知您，回复也在这里。", "Your letter is sent. You will be notified when the secretary answers, and the answer shows here.";
    MailboxMine => "我的来信", "My letters";
    MailboxNoneMine => "您还没有写过信。", "You have not written yet.";
    MailboxPublic => "公开答复", "Public answers";
    MailboxNonePublic => "暂无公开答复。", "No public answers yet.";
    MailboxToAnswer => "待回复的来信", "Letters to answer";
    MailboxPrivateMark => "仅书记可见", "Private";
    MailboxAnswer => "书记回复", "Answer";
    MailboxCase => "已转为事件办理", "Handled as a case";
    MailboxAnswerLabel => "回复内容", "Your answer";
    MailboxToCase => "同时转为事件办理", "Also turn it into a case";
    MailboxReply => "回复", "Answer";
    NotificationLetterAnswered => "{name}回复了您的来信", "{name} answered your letter";
    CareChangeRisk => "调整风险等级", "Change risk level";
    CareRiskHint => "风险等级决定走访间隔，下次应访日期随之改变。", "The risk level sets how often visits are due; the next due date moves with it.";
    CareRiskChanged => "已调整风险等级，下次应访日期：{due}。", "Risk level changed; next visit due {due}.";
    CareEndPairing => "结束结对", "End pairing";
    CareEndReason => "结束原因", "Why it ended";
    CareEndReasonHint => "例如：搬离本社区、已去世、不再需要帮扶。", "For example: moved away, passed away, no longer needs help.";
    CareEndedOn => "结束日期", "Ended on";
    CarePairingEndedNotice => "与{name}的结对已结束。", "The pairing with {name} has ended.";
    CarePairingStale => "这条结对刚被别人修改过，已重新载入最新内容，请再看一遍。", "Someone else just changed this pairing; the latest version is loaded, please check it again.";
    CareGroupsTab => "重点人群", "Special groups";
    CareGroupsTitle => "重点人群分布", "Special groups by micro-grid";
    CareGroupsIntro => "各网格、微网格的重点人群人数，只显示人数，不显示姓名。一人属于多类人群时，在每一类中各计一次，合计只算一人。", "Special-group residents per grid and micro-grid: counts only, never names. Someone in two groups counts under each group and once in the total.";
    CareGroupsEmpty => "你负责的网格里还没有登记重点人群。", "No special-group residents are registered in your grids yet.";
    CareGroupsForbidden => "重点人群人数只对社区工作人员和本网格网格员开放。", "Special-group counts are for community staff and the grid's own workers.";
    CareGroupsTotal => "共 {n} 人", "{n} people";
    VolTab => "志愿者", "Volunteers";
    VolTitle => "志愿服务与时间银行", "Volunteers and the time bank";
    VolIntro => "志愿服务队、队员和服务时长；每次服务按规则记入时间银行积分，积分可以兑换。", "Volunteer teams, members and hours of service; each service earns time-bank points by the rules, and points can be redeemed.";
    VolMine => "我的服务时长和积分", "My hours and points";
    VolHours => "服务小时", "hours served";
    VolHoursShort => "小时", "h";
    VolPoints => "积分余额", "points";
    VolRate => "时间银行规则：每服务 1 小时记 {n} 分。", "Time bank rule: {n} points per hour of service.";
    VolRedeemByOffice => "积分兑换请到社区办理。", "Points are redeemed at the community office.";
    VolRedeem => "兑换积分", "Redeem points";
    VolRedeemHint => "当前可用 {n} 分。", "{n} points available.";
    VolRedeemPoints => "兑换积分数", "Points to redeem";
    VolRedeemReason => "兑换什么", "Redeemed for";
    VolRedeemSubmit => "确认兑换", "Redeem";
    VolRedeemed => "已兑换，积分余额 {n} 分。", "Redeemed; {n} points left.";
    VolLedger => "积分明细", "Points ledger";
    VolLedgerEmpty => "还没有积分记录。", "No points recorded yet.";
    VolTeams => "志愿服务队", "Volunteer teams";
    VolNoTeams => "还没有志愿服务队。", "No volunteer teams yet.";
    VolNoMembers => "还没有队员。", "No members yet.";
    VolAddMember => "添加队员", "Add a member";
    VolMemberName => "队员姓名", "Member's name";
    VolMemberAccount => "队员账号", "Member's account";
    VolMemberAccountHint => "队员有账号时填写，本人即可查看自己的时长和积分。", "If the member has an account: they then see their own hours and points.";
    VolMemberAdded => "已添加队员{name}。", "{name} added to the team.";
    VolMemberFigures => "{h} 小时 · {p} 分", "{h} h · {p} points";
    VolCredit => "记录服务活动", "Record a service activity";
    VolCreditHint => "填写每位参加队员的服务小时，保存后按规则记入积分。", "Enter each member's hours; points are credited by the rules when saved.";
    VolTeam => "服务队", "Team";
    VolActivityTitle => "服务内容", "What was done";
    VolActivityDay => "服务日期", "Day of service";
    VolActivityHours => "服务小时", "Hours served";
    VolPickTeam => "先选择服务队。", "Choose a team first.";
    VolCreditSubmit => "记入时长和积分", "Credit hours and points";
    VolCredited => "已为 {n} 位队员记入时长和积分。", "Hours and points credited to {n} members.";
    VolNewTeam => "新建服务队", "Found a team";
    VolTeamName => "服务队名称", "Team name";
    VolTeamDescription => "服务内容简介", "What the team does";
    VolTeamCreated => "已建立服务队“{name}”。", "Team “{name}” founded.";
    VolRules => "时间银行规则", "Time bank rules";
    VolRulesRate => "每小时积分", "Points per hour";
    VolRulesSelfRedeem => "志愿者可以自己兑换积分", "Volunteers may redeem their own points";
    VolRulesSaved => "时间银行规则已保存。", "Time bank rules saved.";

    // Audit
    AuditTitle => "操作日志", "Audit log";
    AuditIntro => "记录登录、修改和查看敏感信息的操作。", "Sign-ins, changes and reads of sensitive data.";
    Who => "操作人", "Who";
    Target => "对象", "Record";
    Detail => "详情", "Detail";
    Ip => "IP", "IP";
    NoAudit => "暂无记录。", "No entries.";
    System => "系统", "System";
    AuditPurpose => "目的", "Purpose";
    AuditGroupsAdded => "新增标记", "Tags added";
    AuditGroupsRemoved => "取消标记", "Tags removed";
    AuditFilters => "筛选操作日志", "Filter the audit log";
    AuditAnyone => "所有人", "Anyone";
    AuditActionLabel => "操作", "Action";
    AuditAnyAction => "所有操作", "Any action";
    AuditReadsOnly => "只看查阅个人信息的记录", "Only reads of personal data";
    AuditResident => "涉及的居民", "About the resident";
    AuditResidentSearch => "输入居民姓名", "A resident's name";
    AuditResidentFind => "查找", "Find";
    AuditResidentNone => "没有找到这位居民。", "No resident by that name.";
    AuditResidentClear => "不限居民", "Any resident";
    AuditRecordKind => "记录类型", "Kind of record";
    AuditAnyRecord => "所有记录", "Any record";
    AuditRecordId => "记录编号", "Record number";
    AuditFrom => "起始日期", "From";
    AuditTo => "截止日期", "To";
    AuditApply => "筛选", "Filter";
    AuditThisMonth => "本月", "This month";
    AuditReset => "清除筛选", "Clear filters";
    AuditTotal => "共 {n} 条记录", "{n} entries";
    AuditAbout => "涉及居民", "Resident";

    // Statistics (统计分析)
    NavStats => "统计", "Statistics";
    TileStats => "统计分析", "Statistics";
    TileStatsHint => "结案率、按期率、满意率，按期间和网格比较", "Closure, on-time and satisfaction rates by period and grid";
    StatsTitle => "统计分析", "Statistics";
    StatsIntro => "数字都从记录中算出；点 ⓘ 看每个数字的算法。", "Every number is counted from the records; press ⓘ for how each one is computed.";
    StatsChoose => "选择期间和范围", "Choose the period and the area";
    StatsPeriod => "期间", "Period";
    StatsFrom => "起始日期", "From";
    StatsTo => "截止日期", "To";
    StatsApply => "查看", "Show";
    StatsScope => "范围", "Area";
    StatsWholeCommunity => "全社区", "The whole community";
    StatsMyGrids => "我负责的网格", "My grids";
    StatsMicroGrid => "微网格", "Micro-grid";
    StatsAnyMicroGrid => "整个网格", "The whole grid";
    StatsShowing => "{from} 至 {to}", "{from} to {to}";
    StatsHeadline => "主要指标", "Headline figures";
    StatsFormula => "算法", "How it is computed";
    StatsFormulaOf => "{name}的算法", "How {name} is computed";
    StatsNoValue => "无数据", "no data";
    StatsVsPrevious => "较上期", "vs previous period";
    StatsVsLastYear => "较去年同期", "vs same period last year";
    StatsUp => "↑ 多 {d}", "↑ {d} more";
    StatsDown => "↓ 少 {d}", "↓ {d} fewer";
    StatsUpRate => "↑ 高 {d} 个百分点", "↑ {d} points higher";
    StatsDownRate => "↓ 低 {d} 个百分点", "↓ {d} points lower";
    StatsUpHours => "↑ 长 {d} 小时", "↑ {d} hours longer";
    StatsDownHours => "↓ 短 {d} 小时", "↓ {d} hours shorter";
    StatsSame => "持平", "the same";
    StatsNoCompare => "无可比数据", "nothing to compare";
    StatsTrend => "趋势", "Trend";
    StatsTrendOf => "{name}趋势", "{name} over time";
    StatsFigure => "指标", "Figure";
    StatsInterval => "间隔", "Step";
    StatsAutoInterval => "自动", "Automatic";
    StatsDate => "日期", "Date";
    StatsValue => "数值", "Value";
    StatsBreakdown => "分布", "Breakdown";
    StatsBreakdownBy => "分组", "Group by";
    StatsBreakdownCaption => "期间内上报的事件{by}", "Cases reported in the period, {by}";
    StatsGroup => "分组", "Group";
    StatsReported => "上报", "Reported";
    StatsClosed => "已结案", "Closed";
    StatsOverdue => "当前超期", "Overdue now";
    StatsNone => "未指定", "None given";
    StatsBarOpens => "{name}：上报 {n} 件，查看这些事件", "{name}: {n} reported; open these cases";
    StatsTableScroll => "数据表（可左右滚动）", "Data table (scrolls sideways)";
    StatsNoCases => "期间内没有上报事件。", "No cases were reported in the period.";
    StatsByCategory => "各类别办结时长", "Time to close by category";
    StatsNoClosed => "期间内没有结案事件。", "No case was closed in the period.";
    StatsCategory => "类别", "Category";
    StatsVisitsByGroup => "各特殊群体走访情况", "Visits per special group";
    StatsSpecialGroup => "特殊群体", "Special group";
    StatsOnScheduleRate => "按期率", "On schedule";
    StatsNoVisitsDue => "期间内没有应走访的帮扶对象。", "No visit fell due in the period.";
    StatsNoGroup => "未标注群体", "No group tagged";
    StatsReportTitle => "月度工作报告", "Monthly report";
    AssessmentTitle => "考核", "Assessment";
    AssessmentLink => "考核排名", "Assessment";
    AssessmentHow => "每月按记录自动计算，不可手工填写：各指标达到目标值得满分，达到零分值不得分，之间按比例；得分为已得权重占有数据指标权重之和的百分比。点击名称查看明细。", "Computed each month from the record, never typed in: an indicator earns its weight in full at its target, nothing at its floor, proportionally between; the score is the weight earned out of the weight of the indicators with data. Select a name for the details.";
    AssessmentSubject => "考核对象", "Assessed";
    AssessmentRank => "排名", "Rank";
    AssessmentName => "名称", "Name";
    AssessmentScore => "得分", "Score";
    AssessmentNoScore => "无数据", "No data";
    AssessmentNoRows => "没有可考核的对象。", "Nobody to assess.";
    AssessmentCounts => "计数", "Counts";
    AssessmentValue => "数值", "Value";
    AssessmentTarget => "目标值", "Target";
    AssessmentFloor => "零分值", "Floor";
    AssessmentWeight => "权重", "Weight";
    AssessmentEarned => "得分/权重", "Earned / weight";
    AssessmentRules => "考核规则", "Assessment rules";
    AssessmentRulesHint => "每个对象的权重合计不必为 100：得分按有数据指标的权重折算。越少越好的指标（漏报、返工），零分值高于目标值。", "The weights of a subject need not add up to 100: scores are taken over the weights of the indicators with data. For indicators where less is better (missed reports, rework) the floor lies above the target.";
    AssessmentRulesSave => "保存考核规则", "Save the rules";
    AssessmentRulesSaved => "考核规则已保存，得分已按新规则重算。", "The rules are saved; the scores are recomputed with them.";
    AssessmentBreakdownOf => "得分 {score}，排名 {rank}", "score {score}, rank {rank}";
    AssessmentCasesTitle => "考核事件明细", "Cases behind an assessment value";
    AssessmentCasesOf => "{indicator}（{month}）：共 {n} 件", "{indicator} ({month}): {n} cases";
    AssessmentSeeCases => "查看这 {n} 件事件", "See these {n} cases";
    AssessmentPickACount => "请在考核明细中选择一项计数，查看其中的事件。", "Choose a count in an assessment breakdown to see its cases.";
    AssessmentBack => "返回考核", "Back to the assessment";
    AssessmentRuleNow => "现行：目标 {target}，零分 {floor}", "Now: target {target}, floor {floor}";
    StatsMonthlyReport => "月度工作报告", "Monthly report";
    StatsReportMonth => "月份", "Month";
    StatsReportOf => "{month} 月度工作报告（{from} 至 {to}）", "Monthly report {month} ({from} to {to})";
    StatsPrint => "打印", "Print";
    StatsDownloadXlsx => "下载 Excel", "Download Excel";
    StatsThisMonth => "本月", "This month";
    StatsPreviousMonth => "上月", "Month before";
    StatsSameMonthLastYear => "去年同月", "Same month last year";
    StatsReportWeeks => "每周上报与结案", "Cases reported and closed by week";
    StatsByGridTitle => "各网格事件", "Cases by grid";
    StatsByCategoryTitle => "各类别事件", "Cases by category";
    StatsReportMediation => "矛盾纠纷调解", "Dispute mediation";
    StatsDisputeType => "纠纷类型", "Dispute type";
    StatsMediationFailed => "调解不成", "Failed";
    StatsNoDisputes => "本月没有受理或办结的调解案卷。", "No dispute was accepted or settled this month.";
    StatsReportDecisions => "议事决定及落实", "Council decisions and their state";
    StatsItem => "事项", "Item";
    StatsDecidedAt => "决定时间", "Decided";
    StatsDeadline => "期限", "Deadline";
    StatsState => "状态", "State";
    StatsNoDecisions => "本月没有议事决定。", "No council decision this month.";
    StatsReportNotable => "重点事件（本月上报、现已超期未办结）", "Notable cases (reported this month, overdue now)";
    StatsCaseNumber => "编号", "Number";
    StatsCaseTitle => "标题", "Title";
    StatsNoNotable => "本月上报的事件现在都没有超期。", "None of this month's cases is overdue now.";
    StatsExportCsv => "导出 CSV", "Export CSV";
    StatsExportXlsx => "导出 Excel", "Export Excel";
    StatsExportWhat => "导出明细", "Export the records";
    StatsClosedCount => "结案数", "Closed";
    StatsAvgHours => "平均（小时）", "Mean (hours)";
    StatsP90Hours => "90%（小时）", "90th percentile (hours)";
    StatsCasesTitle => "统计明细", "Cases behind a figure";
    StatsCasesOf => "{group}：{from} 至 {to} 上报的事件（共 {n} 件）", "{group}: cases reported {from} to {to} ({n})";
    StatsBack => "返回统计", "Back to statistics";
    StatsPickABar => "请在统计页的分布图或表中选择一项，查看其中的事件。", "Choose a bar or a row of a breakdown on the statistics page to see its cases.";

    // Council
    NavCouncil => "议事", "Council";
    CouncilTitle => "网格议事", "Grid council";
    CouncilMotto => "小事及时议、大事定期议、要事重点议、难事反复议", "Small matters at once, big ones on deliberation day, important ones in focus, hard ones until settled";
    CouncilSections => "议事栏目", "Council sections";
    CouncilBoardTab => "议题", "Agenda items";
    CouncilMeetingsTab => "议事日", "Meetings";
    CouncilAccountabilityTab => "议事公开", "Accountability";
    CouncilStageEmpty => "暂无议题", "No items";
    CouncilNoTier => "待定级", "Tier not set";
    CouncilSupports => "居民支持", "Support";
    CouncilSupportOf => "{n} / {of} 人支持", "{n} of {of} supports";
    CouncilMeetingAt => "议事时间 {t}", "Meeting {t}";
    CouncilDueOn => "期限 {d}", "Due {d}";
    CouncilCommentCount => "{n} 条留言", "{n} comments";
    CouncilBallotNotYetOpen => "表决未开始", "Ballot not open yet";
    CouncilBallotOpen => "表决中", "Voting open";
    CouncilBallotClosed => "表决已结束", "Ballot closed";
    CouncilEventRaised => "提出议题", "Raised";
    CouncilEventScheduledBySupport => "支持人数达标，自动排期", "Enough support: scheduled";
    CouncilEventBallotOpened => "发起表决", "Ballot opened";
    CouncilEventBallotClosed => "表决结束", "Ballot closed";
    CouncilEventMinutes => "议事记录", "Minutes";
    CouncilNotVerified => "您的账号还没有认证为本社区居民，暂时不能提出议题、支持或投票。请联系您的网格员认证。", "Your account is not verified as a resident yet, so you cannot raise, support or vote. Please ask your grid worker to verify you.";
    CouncilRaise => "提出议题", "Raise an item";
    CouncilRaiseTitle => "提出议题", "Raise an item";
    CouncilRaiseIntro => "说说您希望大家一起商量的事。工作人员定级后，邻居们就可以支持它。", "Describe what you would like neighbours to decide together. Once staff set its tier, neighbours can support it.";
    CouncilItemTitle => "议题", "Item";
    CouncilItemTitleHint => "一句话说明，如“3号楼下加装电动车充电桩”", "One line, e.g. “Charging points below building 3”";
    CouncilItemDescription => "详细说明", "Details";
    CouncilScope => "范围", "Scope";
    CouncilWholeCommunity => "{name}（全社区）", "{name} (whole community)";
    CouncilRaiseSubmit => "提交议题", "Raise it";
    CouncilRaised => "议题已提出，网格长或社区工作人员定级后即可征集支持。", "Your item was raised; once the grid leader or staff set its tier, neighbours can support it.";
    CouncilItemPage => "议题详情", "Agenda item";
    CouncilRaisedBy => "提出人", "Raised by";
    CouncilMeeting => "议事日", "Meeting";
    CouncilChangedReloaded => "此议题刚被他人更新，已显示最新状态，请核对后再操作。", "Someone else just changed this; the latest state is shown — check it and try again.";
    CouncilMoveDone => "已{action}，当前环节：{stage}。", "Done: {action}. Now: {stage}.";
    CouncilSupported => "已支持这个议题，谢谢！", "You support this item — thank you!";
    CouncilSupportWithdrawn => "已撤回支持。", "Your support was withdrawn.";
    CouncilSupport => "支持", "Support";
    CouncilDecision => "议定事项", "Decision";
    CouncilCase => "落实事件", "Follow-up case";
    CouncilNotAdoptedReason => "不予采纳的理由", "Why it was not adopted";
    CouncilBallots => "表决", "Ballots";
    CouncilOpenBallot => "发起表决", "Open a ballot";
    CouncilBallotOpened => "表决已发起。", "The ballot is open.";
    CouncilNoBallots => "还没有表决。", "No ballots yet.";
    CouncilTier => "议题级别", "Tier";
    CouncilMeetingHint => "只列出与议题级别相符、尚未举行的议事日。", "Only meetings still to come that fit the item's tier are listed.";
    CouncilDecisionText => "决定内容", "What was decided";
    CouncilRoundNote => "本轮议事情况", "This round's record";
    CouncilQuorumNone => "不设法定人数", "No quorum";
    CouncilQuorumHalf => "过半数参加", "More than half take part";
    CouncilQuorumPercent => "至少 {n}% 参加", "At least {n}% take part";
    CouncilQuorumSomePercent => "至少一定比例参加", "At least a percentage take part";
    CouncilQuorumPercentLabel => "参加比例（%）", "Percentage taking part";
    CouncilPassCast => "赞成票过投票数一半", "Majority of votes cast";
    CouncilPassEligible => "赞成票过应投票人数一半", "Majority of all eligible";
    CouncilPassTwoThirds => "赞成票达投票数三分之二", "Two thirds of votes cast";
    CouncilClosesAt => "{t} 截止", "Closes {t}";
    CouncilClosesAtLabel => "截止时间", "Closes at";
    CouncilPerHousehold => "每户一票", "One vote per household";
    CouncilHiddenUntilClose => "截止前不公布票数", "Counts hidden until close";
    CouncilAnonymous => "无记名投票", "Anonymous";
    CouncilAnonymousWarning => "这是无记名投票：投出后不能更改。", "This is an anonymous ballot: once cast, your vote cannot be changed.";
    CouncilYourVote => "您的投票", "Your vote";
    CouncilPickUpTo => "最多选 {n} 项", "Pick up to {n}";
    CouncilCastVote => "投票", "Vote";
    CouncilConfirmAnonymous => "确定投“{choice}”吗？无记名投票投出后不能更改。", "Vote “{choice}”? An anonymous vote cannot be changed.";
    CouncilConfirmVote => "确定投票", "Yes, cast my vote";
    CouncilVoted => "您的投票已记录。", "Your vote was recorded.";
    CouncilMyVote => "您投了：{choice}", "Your vote: {choice}";
    CouncilVotedAnonymously => "您已投票（无记名）。", "You have voted (anonymously).";
    CouncilResults => "表决结果", "Results";
    CouncilTurnout => "参加 {n} / 应参加 {of}", "Took part {n} of {of}";
    CouncilQuorumMet => "达到法定人数", "Quorum met";
    CouncilQuorumNotMet => "未达到法定人数", "Quorum not met";
    CouncilPassed => "通过", "Passed";
    CouncilNotPassed => "未通过", "Not passed";
    CouncilResultsHidden => "票数在表决截止后公布。", "Counts are shown when the ballot closes.";
    CouncilCloseBallot => "结束表决", "Close the ballot";
    CouncilBallotClosedNotice => "表决已结束，结果已锁定。", "The ballot is closed; the result is final.";
    CouncilQuestion => "表决事项", "Question";
    CouncilBallotKind => "表决方式", "Kind of ballot";
    CouncilKindDecision => "同意 / 不同意 / 弃权", "Agree / disagree / abstain";
    CouncilKindPoll => "多选投票", "Multiple-choice poll";
    CouncilPollOptions => "选项", "Options";
    CouncilPollOptionsHint => "每行一个选项，至少两个。", "One option per line, at least two.";
    CouncilMaxChoices => "每人最多可选", "Choices per voter";
    CouncilQuorum => "法定人数", "Quorum";
    CouncilPassRule => "通过规则", "Pass rule";
    CouncilBallotRules => "表决规则", "Rules";
    CouncilComments => "居民留言", "Comments";
    CouncilNoComments => "还没有留言。", "No comments yet.";
    CouncilCommentHidden => "此留言已被隐藏：{reason}", "This comment was hidden: {reason}";
    CouncilHide => "隐藏", "Hide";
    CouncilHideReason => "隐藏理由", "Reason for hiding";
    CouncilAddComment => "我要留言", "Add a comment";
    CouncilPostComment => "发表留言", "Post comment";
    CouncilMeetingsTitle => "议事日", "Deliberation days";
    CouncilMeetingsIntro => "每次议事日先回顾上次议定事项的落实情况，再逐项议事。", "Every meeting opens with how the last meeting's decisions are going, then takes its agenda item by item.";
    CouncilScheduleMeeting => "安排议事日", "Schedule a meeting";
    CouncilNoMeetings => "还没有安排议事日。", "No meetings scheduled yet.";
    CouncilAgendaCount => "{n} 项议题", "{n} items";
    CouncilDefaultVenue => "网格议事角", "Grid deliberation corner";
    CouncilMeetingKind => "议事形式", "Kind of meeting";
    CouncilMeetingTitle => "名称", "Title";
    CouncilVenue => "地点", "Venue";
    CouncilStartsAt => "时间", "Time";
    CouncilMeetingScheduled => "议事日已安排，已排期的议题已列入议程。", "The meeting is scheduled; items waiting for it are on its agenda.";
    CouncilReview => "上次议定事项回顾", "Review of the last meeting's decisions";
    CouncilReviewEmpty => "上次议事日没有需要回顾的决定。", "Nothing to review from the last meeting.";
    CouncilPreviousMeeting => "查看上次议事日", "Open the last meeting";
    CouncilAgenda => "议程", "Agenda";
    CouncilAgendaEmpty => "议程中还没有议题。", "No items on the agenda yet.";
    CouncilMinutes => "议事记录", "Minutes";
    CouncilAttendance => "参会人员", "Attendance";
    CouncilNoAttendees => "尚未登记参会人员。", "No attendance recorded yet.";
    CouncilAttendeeKind => "身份", "Attending as";
    CouncilAddAttendee => "添加", "Add";
    CouncilRemoveAttendee => "移除 {name}", "Remove {name}";
    CouncilSaveAttendance => "保存参会名单", "Save attendance";
    CouncilAccountabilityTitle => "议事公开", "Accountability";
    CouncilAccountabilityIntro => "议定的事，谁负责、什么时候办完、办到哪一步，都在这里公开。", "What was decided, who is responsible, by when, and how far it has come.";
    CouncilAccountabilityEmpty => "还没有议定事项。", "No decisions yet.";
    CouncilProgress => "办理进度", "Progress";
    CouncilDecidedAt => "议定时间", "Decided";
    CouncilMicroGrid => "微网格", "Micro-grid";
    CouncilWholeGrid => "整个网格", "The whole grid";
    CouncilMicroGridHint => "只涉及一个微网格的事，可选定该微网格，由该微网格的居民支持和表决。", "A matter of one micro-grid only can be raised for it; its residents then support and vote.";
    CouncilPhotoFailed => "议题已提出，但有照片没能上传，可在本页重新添加。", "The item is raised, but some photos did not upload; add them again on this page.";
    CouncilNoPhotos => "没有照片。", "No photos.";
    CouncilShowOfHands => "举手表决记录", "Show of hands";
    CouncilShowOfHandsIntro => "为到会居民逐一记录表决意见：按 Tab 移到按钮，回车记录，随后自动跳到下一位。居民本人已投票的，不能代为记录。", "Record each attending resident's vote: Tab to a button and press Enter; focus then moves to the next person. A resident who voted themselves cannot be recorded over.";
    CouncilNoResidentAttendees => "参会名单中还没有登记的居民，请先在下方登记参会人员。", "No registered residents in the attendance list yet; record attendance below first.";
    CouncilHandsRecordFor => "为 {name} 记录“{choice}”", "Record “{choice}” for {name}";
    CouncilHandsRecorded => "已记录 {name}：{choice}", "Recorded {name}: {choice}";
    CouncilHandsOwnVote => "{name} 本人已投票，不能代为记录。", "{name} voted themselves; it cannot be recorded over.";
    CouncilHandsResults => "当前票数", "Votes so far";
    CouncilHandsHidden => "表决结束后公布结果。", "Results are shown when the ballot closes.";
    CouncilLiveUpdated => "议题“{title}”有更新。", "“{title}” has changed.";
    CouncilHandsSelfVoted => "本人已投票", "Voted themselves";
    // Mediation
    NavMediation => "调解", "Mediation";
    MedBoardTitle => "人民调解", "People's mediation";
    MedBoardHelp => "把卡片拖到另一列即办理该环节；或用 Tab 选中卡片，按空格拿起，用左右方向键选择列，再按空格放下，按 Esc 取消。按 Enter 打开卷宗。", "Drag a card to another column to make that move; or Tab to a card, press Space to pick it up, choose the column with the left and right arrow keys, press Space to drop it and Escape to cancel. Enter opens the file.";
    MedBoardHelpTouch => "按住卡片片刻，卡片拿起后拖到另一列再松手，即办理该环节；拖到屏幕边缘时页面会自动滚动。点卡片标题打开卷宗。", "Touch and hold a card until it lifts, then drag it to another column and let go to make that move; near the edge of the screen the page scrolls along. Tap a card's title to open the file.";
    MedBoardEmpty => "暂无案件", "Nothing here";
    MedDraggable => "可拖动的调解案件卡片", "movable mediation file card";
    MedNoMediator => "未指派调解员", "No mediator yet";
    MedDeadlineOn => "期限 {date}", "Due {date}";
    MedRisk => "有激化风险", "May escalate";
    MedPickedUp => "已拿起“{title}”，位于“{stage}”列。用左右方向键选择列，空格放下，Esc 取消。", "Picked up “{title}” in {stage}. Left and right arrows choose the column, Space drops, Escape cancels.";
    MedKeyboardAt => "“{stage}”列。", "{stage}.";
    MedDroppedUnchanged => "已放下“{title}”，未移动。", "Dropped “{title}”; it did not move.";
    MedNoSuchMove => "调解案件不能从“{from}”直接移到“{to}”，卡片已回到原位。", "A file cannot go from {from} straight to {to}; the card is back where it was.";
    MedMovedTo => "“{title}”已移到“{stage}”。", "“{title}” moved to {stage}.";
    MedMoveConflict => "“{title}”刚被他人更新，看板已显示最新状态。", "“{title}” was just changed by someone else; the board now shows the latest state.";
    MedMoveRefused => "未能移动：{reason} 卡片已回到原位。", "Not moved: {reason} The card is back where it was.";
    MedMoveNote => "请说明理由", "Give the reason";
    MedOpenFile => "登记调解案件", "Open a mediation file";
    MedOpenFileIntro => "记录纠纷、当事人和调解员。受理前须征得各方当事人同意（人民调解法第十七条）。", "Record the dispute, the parties and the mediators. Every party must agree before the file is accepted (People's Mediation Law, Art. 17).";
    MedFileTitle => "纠纷简述", "What is the dispute?";
    MedFileTitleHint => "一句话说明，如“空调外机滴水纠纷”", "One line, e.g. “Air-conditioner unit dripping into a yard”";
    MedDescription => "纠纷情况", "What happened";
    MedDisputeType => "纠纷类型", "Kind of dispute";
    MedOrigin => "来源", "How it came in";
    MedSourceCase => "来源事件编号（ID）", "Source case (ID)";
    MedSourceCaseLink => "查看来源事件", "See the source case";
    MedWhere => "纠纷地点", "Where";
    MedPlaceLink => "查看地点", "See the place";
    MedParties => "当事人", "Parties";
    MedPartiesHint => "至少一名申请人和一名被申请人。", "At least one applicant and one respondent.";
    MedPartyN => "当事人 {n}", "Party {n}";
    MedSide => "身份", "Role in the dispute";
    MedPartyName => "姓名", "Name";
    MedPartyPhone => "联系电话", "Phone";
    MedPartyIdNumber => "身份证件号码", "Identity document number";
    MedPartyAddress => "住址", "Address";
    MedRepresentative => "代理人", "Representative";
    MedAccount => "居民账号（用户名）", "Resident account (username)";
    MedAccountHint => "填写当事人的居民账号后，当事人可以登录查看本人的调解案件。", "With the party's resident account, the party can sign in and follow their own file.";
    MedAddParty => "添加当事人", "Add a party";
    MedRemoveParty => "移除此当事人", "Remove this party";
    MedMediators => "调解员", "Mediators";
    MedChosenByParties => "由当事人选定（第十九条）", "Chosen by the parties (Art. 19)";
    MedRiskLabel => "纠纷有激化风险", "This dispute may escalate";
    MedRiskHint => "可能激化为治安案件、刑事案件的，应当及时报告当地公安机关（人民调解法第二十五条）。勾选后，卷宗会提醒通报公安机关。", "If it may turn into a public-order or criminal case, the local police must be told promptly (People's Mediation Law, Art. 25). Ticking this makes the file remind you to notify them.";
    MedCreate => "登记", "Open the file";
    MedFileChangedElsewhere => "此卷宗刚被他人更新。", "Someone else just changed this file.";
    MedFileShowLatest => "显示最新内容", "Show the latest";
    MedChangedReloaded => "此调解案件刚被他人更新，已显示最新内容，请核对后再操作。", "Someone else just changed this file; the latest version is shown — check it and try again.";
    MedNoActions => "目前没有需要您办理的环节。", "There is no move for you to make now.";
    MedPrintAgreement => "打印调解协议书", "Print the agreement";
    MedPrintDossier => "打印卷宗", "Print the case file";
    MedPartyView => "这是您作为当事人的调解案件，您可以查看，但不能修改。调解笔录中显示您本人的陈述，以及对方同意告知您的内容。如有疑问，请联系调解员。", "This is a mediation file you are a party to. You can read it but not change it. The session record shows what you said and what the other side agreed to share with you. Ask your mediator if anything is unclear.";
    MedOfficeView => "调解笔录的内容只有本案调解员可以查看；这里显示调解的时间和方式。", "Only this file's mediators read what was said in sessions; here you see when and how they took place.";
    MedRiskAlert => "本纠纷有激化风险：请及时通报公安机关（第二十五条），并在下面记录通报情况。", "This dispute may escalate: notify the police promptly (Art. 25) and record it below.";
    MedFacts => "案件情况", "The file";
    MedTimeLimit => "调解期限", "Time limit";
    MedNoDeadline => "受理后起算一个月", "One month from acceptance";
    MedOutcome => "结果", "Outcome";
    MedConsent => "是否同意调解", "Consent to mediation";
    MedConsentYes => "同意调解", "Agrees";
    MedConsentNo => "不同意：{note}", "Refuses: {note}";
    MedConsentPending => "尚未表示", "Not yet asked";
    MedHasAccount => "可登录查看", "Can sign in";
    MedReveal => "查看完整号码", "Show the full number";
    MedNotice => "权利义务告知", "Rights and duties";
    MedNoticeGiven => "已告知（{time}）", "Told ({time})";
    MedNoticeNotYet => "尚未告知", "Not yet told";
    MedConfirmation => "确认协议", "Confirmed the agreement";
    MedAgree => "记录：同意调解", "Record: agrees";
    MedRefuse => "记录：不同意调解", "Record: refuses";
    MedGiveNotice => "记录：已告知权利义务", "Record: told of rights and duties";
    MedConfirmBy => "记录确认（{method}）", "Record confirmation ({method})";
    MedRefuseWarn => "一方当事人不同意调解的，不予受理，案件随即终止（第十七条）。", "If a party refuses, the file is not accepted and ends here (Art. 17).";
    MedRefuseReason => "不同意的理由", "Why they refuse";
    MedRecords => "核实与记录", "Checks and records";
    MedNoRecords => "暂无记录。", "No records yet.";
    MedAddRecord => "添加记录", "Add a record";
    MedRecordKind => "记录类型", "Kind of record";
    MedRecordText => "内容", "What was found or done";
    MedRecordConsent => "各方当事人同意邀请其参与调解（第二十条）", "The parties agree to this person taking part (Art. 20)";
    MedSessions => "调解笔录", "Sessions";
    MedNoSessions => "尚无调解记录。", "No sessions yet.";
    MedStrategySwitch => "调解方式改变：{from} → {to}", "Strategy switch: {from} → {to}";
    MedSessionWith => "{party} 单独在场", "{party} alone";
    MedStrategyNote => "采用此方式的原因", "Why this mode";
    MedStrategyHint => "改变调解方式时请写明原因，例如“双方情绪激动，改为背靠背”。", "When you change the mode, say why, e.g. “Tempers ran high; seeing each side alone”.";
    MedStatement => "陈述", "Statement";
    MedPosition => "立场", "Position";
    MedInterests => "深层利益与关切", "Underlying interests";
    MedProposal => "提议", "Proposal";
    MedShareable => "可告知对方", "May be shared";
    MedNotShareable => "仅调解员可见", "Mediators only";
    MedNotSharedOwn => "仅您本人和调解员可见，不告知对方", "Only you and the mediators see this; not shared with the other side";
    MedUntoldSession => "{names} 尚未被告知调解的权利和义务（人民调解法第二十三、二十四条）。请先在“当事人”中告知；仍然记录的，办理经过中会注明本次调解未经告知。", "{names} not yet told of their rights and duties in mediation (People's Mediation Law, Art. 23–24). Tell them first under Parties; if you record the session anyway, the history notes that it went ahead without the notice.";
    MedUntoldAgreement => "{names} 尚未被告知调解的权利和义务。各方当事人都被告知后，才能制作调解协议（人民调解法第二十三、二十四条）。", "{names} not yet told of their rights and duties. The agreement can be drafted once every party has been told (People's Mediation Law, Art. 23–24).";
    MedShareableLabel => "当事人同意把以上内容告知对方", "The party allows this to be shared with the other side";
    MedContentHidden => "调解内容仅本案调解员可见。", "Only this file's mediators see what was said.";
    MedWithheld => "另有 {n} 条内容未向您显示。", "{n} more entries are not shown to you.";
    MedNewSession => "记录调解", "Record a session";
    MedMode => "调解方式", "Mode";
    MedPartyPresent => "在场当事人", "Party present";
    MedHeldAt => "时间", "When";
    MedVenue => "地点", "Venue";
    MedEntryFor => "{side}：{name}", "{side}: {name}";
    MedSaveSession => "保存调解笔录", "Save the session";
    MedSessionSaved => "调解笔录已保存。", "The session is recorded.";
    MedAgreement => "调解协议", "Agreement";
    MedNoAgreement => "尚未达成协议。", "No agreement yet.";
    MedOralAgreement => "口头协议", "Oral agreement";
    MedAgreementFacts => "纠纷事实、争议事项及各方责任", "Facts, matters in dispute and responsibility";
    MedTerms => "协议条款", "Terms";
    MedTermText => "条款", "Term";
    MedTermDue => "履行期限", "Due";
    MedTermPerformed => "已履行（{time}）：{proof}", "Performed ({time}): {proof}";
    MedTermOpen => "待履行", "Not yet performed";
    MedProof => "履行情况（如何核实）", "Proof seen";
    MedMarkPerformed => "记录已履行", "Record as performed";
    MedEffective => "生效时间", "In effect since";
    MedJudicial => "双方当事人可以自协议生效之日起三十日内，即 {date} 前，共同向人民法院申请司法确认（第三十三条）。", "The parties may jointly apply to the court for judicial confirmation within 30 days of the agreement taking effect, i.e. until {date} (Art. 33).";
    MedEditAgreement => "制作或修改调解协议", "Draft or redraft the agreement";
    MedAddTerm => "添加条款", "Add a term";
    MedRemoveTerm => "移除此条款", "Remove this term";
    MedOral => "口头协议（不签字，由调解员记录在卷）", "Oral agreement (no signatures; the mediator records it in the file)";
    MedSaveAgreement => "保存协议", "Save the agreement";
    MedAgreementSaved => "调解协议已保存。", "The agreement is saved.";
    MedExtension => "延长调解期限", "Extend the time limit";
    MedExtensionHint => "须经各方当事人同意。", "Every party must agree.";
    MedNewDeadline => "新的期限", "New time limit";
    MedPartyConsents => "{name} 同意延期", "{name} agrees";
    MedExtend => "延长期限", "Extend";
    MedColon => "：", ": ";
    MedPrintAgreementPdf => "协议书 PDF", "Agreement as PDF";
    MedPrintSessionRecord => "打印笔录（供签名）", "Print the record for signature";
    MedReassign => "调整调解员", "Change the mediators";
    MedReassignSave => "保存调解员", "Save the mediators";
    MedReassignNeedOne => "请至少选择一名调解员。", "Choose at least one mediator.";
    MedMediatorsSaved => "调解员已调整。", "The mediators were changed.";
    MedLiveUpdated => "看板已更新：“{title}”现在在“{stage}”。", "Board updated: “{title}” is now in “{stage}”.";
    MedRecordPhotos => "{kind}照片", "{kind} photos";
    MedRecordPhotoN => "{kind}照片 {n}，点击查看大图", "{kind} photo {n}; open full size";
    MedTakePhoto => "拍照或选择照片", "Take or choose a photo";
    MedPhotoUploading => "正在上传照片 {n}/{total}…", "Uploading photo {n} of {total}…";
    MedPhotoAdded => "照片已添加。", "Photo added.";
    MedPhotosFull => "每条记录最多 6 张照片", "at most 6 photos per record";
    MedPhotoFailed => "照片没能上传：{reason}", "The photo did not upload: {reason}";

    // 长辈版 (elder mode) and read aloud
    ElderMode => "长辈版", "Large text";
    ElderModeHint => "字更大、按钮更大、一页一件事", "Larger text and buttons, one thing per page";
    ReadAloudSwitch => "朗读按钮", "Read-aloud button";
    ReadAloud => "朗读本页", "Read this page aloud";
    ReadAloudStop => "停止朗读", "Stop reading";
    ElderOfferTitle => "要不要用长辈版？", "Would you like large text?";
    ElderOfferBody => "长辈版字更大、按钮更大，报事、投票、找网格员都在首页。以后也可以在菜单里切换。", "Large text has bigger words and buttons, with reporting, voting and your grid worker on the home page. You can switch in the menu at any time.";
    ElderOfferYes => "用长辈版", "Use large text";
    ElderOfferNo => "不用了", "No, thanks";
    ElderTileReport => "我要报事", "Report a problem";
    ElderTileReportHint => "灯坏了、漏水了，告诉我们", "A light out, a leak: tell us";
    ElderTileVote => "议事投票", "Have your say";
    ElderTileVoteHint => "大家的事，您来投票", "Vote on what concerns everyone";
    ElderTileContact => "找网格员", "Call my grid worker";
    ElderTileMine => "我的事", "My affairs";
    ElderTileMineHint => "报的事、代办和来信办到哪了", "How your reports, errands and letters stand";
    ElderWhatProblem => "遇到了什么问题？点一下：", "What is wrong? Tap one:";
    ElderSentence => "想多说一句（可以不写）", "Anything to add (you may leave it empty)";
    ElderPlace => "地点", "Where";
    ElderPlaceHome => "您家：{place}", "Your home: {place}";
    ElderPlaceHere => "您现在的位置：{place}", "Where you are now: {place}";
    ElderNoHome => "您的账号还没有登记住址：请用手机定位，或用完整的上报页面。", "Your account has no registered home yet: use the phone's location, or the full report page.";
    ElderFullReport => "打开完整的上报页面", "Open the full report page";
    ElderFullCouncil => "查看全部议题", "See all council items";
    ElderFullReports => "查看全部上报", "See all my reports";
    ElderChooseProblem => "请先点一下遇到的问题。", "Please tap the problem first.";
    ElderSend => "发送", "Send";
    ElderNoVotes => "现在没有需要您投票或支持的事。", "There is nothing to vote on or support right now.";
    ElderSupport => "我支持", "I support this";
    ElderSupported => "您已支持", "You support this";
    ElderSupportCount => "已有 {n} 人支持，需要 {of} 人", "{n} of the {of} supporters needed";
    ElderGridWorker => "您的网格员：", "Your grid worker: ";
    ElderCall => "打电话 {phone}", "Call {phone}";
    ElderNoPhone => "网格员还没有登记工作电话。", "No work phone registered yet.";
    ElderNoGridWorker => "还没有查到您的网格员，请联系社区。", "We could not find your grid worker; please contact the community.";
    ElderWriteSecretary => "给书记写信", "Write to the secretary";
    ElderMyReports => "我报的事", "My reports";
    ElderMyErrands => "代办的事", "Errands";
    ElderMyLetters => "我写的信", "My letters";
    ElderNothingYet => "还没有。", "None yet.";
    ElderReportedOn => "{day} 报的，现在：{stage}", "Reported {day}; now: {stage}";
    ElderErrandLine => "{what}：{status}", "{what}: {status}";
    ElderLetterLine => "{day} 写的：{status}", "Written {day}: {status}";
    ElderMyCare => "送餐和走访", "Meals and visits";
    ElderMealToday => "今天的午餐{how}", "Today's lunch {how}";
    ElderMealOn => "{day}的午餐{how}", "Lunch on {day} {how}";
    ElderMealComing => "正在送来", "is on its way";
    ElderMealBooked => "已订好，请到食堂用餐", "is booked: please come to the canteen";
    ElderMealDelivered => "已送到", "has been delivered";
    ElderMealServed => "已在食堂用过", "was served at the canteen";
    ElderMealCancelled => "取消了", "was cancelled";
    ElderVisitInPerson => "{day} {who}来看望过您", "{day}: {who} came to see you";
    ElderVisitPhone => "{day} {who}给您打过电话", "{day}: {who} called you";
    ElderVisitVideo => "{day} {who}和您视频通话过", "{day}: {who} talked with you by video";
    ElderVisitorGridWorker => "网格员{name}", "grid worker {name}";
    ElderGridWorkerPhoto => "网格员{name}的照片", "Photo of grid worker {name}";
    ElderAlsoMineIntro => "附近已经有人报了同样的事，正在办理。点“我也遇到了”，不用再报一次。", "Someone nearby has already reported this, and it is being handled. Tap “I have this problem too” instead of reporting it again.";
    ElderReportAnyway => "这是另一件事，仍然发送", "This is something else: send anyway";
    WorkPhone => "工作电话（居民可拨打）", "Work phone (residents may call it)";
    WorkPhoneHint => "手机 11 位，或区号-座机号，例如 0931-1234567。", "A mobile of 11 digits, or area code-number, e.g. 0931-1234567.";
    UserPhoto => "照片", "Photo";
    UserPhotoHint => "居民在“找网格员”里看到这张照片。", "Residents see this photo under “Find my grid worker”.";
    UserPhotoNone => "还没有照片：居民看到姓名的第一个字。", "No photo yet: residents see the first letter of the name.";
    UserPhotoUpload => "上传照片", "Upload a photo";
    UserPhotoRemove => "删除照片", "Remove the photo";
    UserPhotoSaved => "照片已保存。", "The photo was saved.";
    UserPhotoRemoved => "照片已删除。", "The photo was removed.";
    UndoWithdrawVote => "撤回投票（还剩 {n} 分钟）", "Take back my vote ({n} min left)";
    UndoWithdrawSupport => "撤回支持（还剩 {n} 分钟）", "Take back my support ({n} min left)";
    UndoWithdrawReport => "撤回上报（还剩 {n} 分钟）", "Withdraw this report ({n} min left)";
    UndoVoteWithdrawn => "您的投票已撤回，可以重新投。", "Your vote was taken back; you may vote again.";
    UndoSupportWithdrawn => "您的支持已撤回。", "Your support was taken back.";
    UndoReportWithdrawn => "这件事已撤回，不再办理。", "The report was withdrawn and will not be handled.";
    ProxyVotedForYou => "这一票已由网格员代您投出，每人只算一票。", "This vote was cast for you by your grid worker; each person counts once.";
    ProxyTitle => "代办", "Act for a resident";
    ProxyIntro => "居民在场时，替不方便用手机的居民报事、附议、投票、给书记写信、申请代办服务。每一次都会记录并告诉居民本人。", "With the resident present, file a report, support an item, vote, write to the secretary or ask for an errand for a resident who cannot use a phone. Each act is recorded and the resident is told.";
    ProxyFindResident => "居民姓名", "Resident's name";
    ProxyFind => "查找居民", "Find the resident";
    ProxyNoResident => "没有找到这位居民（只能为您网格的居民代办）。", "No such resident (you may act only for residents of your grids).";
    ProxyFor => "为 {name} 代办", "Acting for {name}";
    ProxyOtherResident => "换一位居民", "Another resident";
    ProxyWhat => "办什么", "What to do";
    ProxyConfirmation => "居民本人如何确认", "How the resident confirmed";
    ProxyNothingOpen => "这位居民现在没有可投票或可附议的议题。", "Nothing for this resident to vote on or support right now.";
    ProxyVoteFor => "代 {name} 投票", "Vote for {name}";
    ProxySupportFor => "代 {name} 附议", "Support for {name}";
    ProxyNotAllowed => "这次表决按规则不接受代办投票。", "This ballot takes no votes cast for others.";
    ProxySubject => "信的标题", "Subject";
    ProxyBody => "信的内容", "Letter";
    ProxyErrandKind => "代办服务的种类", "Kind of errand";
    ProxyDescription => "需要什么", "What is needed";
    ProxyReportTitle => "什么问题", "What is wrong";
    ProxyReportCategory => "问题分类", "Category";
    ProxySubmit => "代为提交", "Submit for the resident";
    ProxyDone => "已为 {name} 代办：{what}", "Done for {name}: {what}";
    ProxyHistory => "为这位居民代办过的事", "Done for this resident";
    ProxyNoticesTitle => "别人代您办的事", "Done on your behalf";
    ProxyNoticesSeen => "知道了", "Got it";
    CouncilProxyAllowed => "接受网格员代办投票（居民在场确认）", "Take votes cast for residents by grid workers (resident present)";
    CouncilNoProxy => "不接受代办投票", "No votes cast for others";
    ProxyTileHint => "替不方便用手机的居民报事、投票、写信", "Report, vote or write for a resident without a phone";
}

/// The language context. `Copy`, so closures can capture it freely.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    /// Create the context with the stored choice (Chinese by default) and provide it.
    pub fn provide() -> I18n {
        let stored = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_default();
        let i18n = I18n {
            lang: RwSignal::new(stored),
        };
        set_document_lang(stored);
        provide_context(i18n);
        i18n
    }

    pub fn get(self) -> Lang {
        self.lang.get()
    }

    /// The text of a key in the current language (tracked: re-runs on a switch).
    pub fn t(self, key: Key) -> &'static str {
        key.text().get(self.lang.get())
    }

    /// A shared bilingual label in the current language.
    pub fn text(self, text: Text) -> &'static str {
        text.get(self.lang.get())
    }

    /// A key with `{name}`-style placeholders filled in.
    pub fn fmt(self, key: Key, args: &[(&str, &str)]) -> String {
        fill(self.t(key), args)
    }

    /// [`I18n::fmt`] for sentences around people's names or what they typed: each value is
    /// wrapped in `<span data-user-text>`, so it is known to be data, not a word of ours.
    pub fn fmt_with_data(self, key: Key, args: &[(&str, &str)]) -> AnyView {
        pieces(self.t(key), args)
            .into_iter()
            .map(|(text, data)| {
                if data {
                    view! { <span data-user-text>{text}</span> }.into_any()
                } else {
                    text.into_any()
                }
            })
            .collect_view()
            .into_any()
    }

    pub fn set(self, lang: Lang) {
        self.lang.set(lang);
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, lang.tag());
        }
        set_document_lang(lang);
    }

    pub fn toggle(self) {
        let next = match self.lang.get_untracked() {
            Lang::ZhCn => Lang::En,
            Lang::En => Lang::ZhCn,
        };
        self.set(next);
    }
}

/// A message kept as what it says, a [`Key`] and its values, not as words in one language: held
/// in a signal and shown through [`I18n::said`], it follows a language switch made after it
/// was said (a notice, a board's message and its screen-reader announcement).
#[derive(Clone, Debug, PartialEq)]
pub struct Said {
    key: Key,
    args: Vec<(&'static str, Arg)>,
}

/// One value of a [`Said`].
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// People's names, titles, what was typed: the same in every language.
    Data(String),
    /// One of our words (a stage, an action).
    Text(Text),
    /// A sentence the server gave in both languages (a refusal's reason).
    Words { zh: String, en: String },
}

impl Said {
    pub fn new(key: Key) -> Said {
        Said {
            key,
            args: Vec::new(),
        }
    }

    /// `{name}` is `value`, data that reads the same in every language.
    pub fn data(mut self, name: &'static str, value: impl Into<String>) -> Said {
        self.args.push((name, Arg::Data(value.into())));
        self
    }

    /// `{name}` is one of our words.
    pub fn text(mut self, name: &'static str, text: Text) -> Said {
        self.args.push((name, Arg::Text(text)));
        self
    }

    /// `{name}` is the reason of a refusal, in whichever language is shown.
    pub fn error(mut self, name: &'static str, e: &crate::api::ApiError) -> Said {
        self.args.push((
            name,
            Arg::Words {
                zh: e.message(Lang::ZhCn),
                en: e.message(Lang::En),
            },
        ));
        self
    }

    /// The words in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        let values: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(name, v)| {
                let v: &str = match v {
                    Arg::Data(d) => d,
                    Arg::Text(t) => t.get(lang),
                    Arg::Words { zh, .. } if lang == Lang::ZhCn => zh,
                    Arg::Words { en, .. } => en,
                };
                (*name, v)
            })
            .collect();
        fill(self.key.text().get(lang), &values)
    }
}

impl I18n {
    /// A [`Said`] in the current language (tracked: re-runs on a switch).
    pub fn said(self, said: &Said) -> String {
        said.in_lang(self.get())
    }
}

/// Plural labels of place kinds, for headings and counts ("4 grids"); Chinese has no plural.
pub fn kind_plural(kind: shared::places::PlaceKind) -> Text {
    use shared::places::PlaceKind::*;
    match kind {
        Street => Text::new("街道", "Streets"),
        Community => Text::new("社区", "Communities"),
        Grid => Text::new("网格", "Grids"),
        MicroGrid => Text::new("微网格", "Micro-grids"),
        Building => Text::new("楼栋", "Buildings"),
        Household => Text::new("户", "Households"),
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// A template cut at its placeholders: (text, is it a filled-in value).
fn pieces(template: &str, args: &[(&str, &str)]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + len];
        let Some((_, value)) = args.iter().find(|(n, _)| *n == name) else {
            out.push((rest[..open + len + 1].to_string(), false));
            rest = &rest[open + len + 1..];
            continue;
        };
        if open > 0 {
            out.push((rest[..open].to_string(), false));
        }
        out.push(((*value).to_string(), true));
        rest = &rest[open + len + 1..];
    }
    if !rest.is_empty() {
        out.push((rest.to_string(), false));
    }
    out
}

/// The device's own storage (language, elder mode, the last user for offline starts), if it
/// has one (private modes may not).
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn set_document_lang(lang: Lang) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

/// Set the browser tab's title: "<page> · 邻聚".
pub fn set_title(page: &str, lang: Lang) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let app = Key::AppName.text().get(lang);
        if page.is_empty() {
            doc.set_title(app);
        } else {
            doc.set_title(&format!("{page} · {app}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            let t = key.text();
            assert!(
                !t.zh.trim().is_empty() && !t.en.trim().is_empty(),
                "{key:?}"
            );
        }
    }

    #[test]
    fn placeholders_match_in_both_languages() {
        for key in Key::ALL {
            let t = key.text();
            let names = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(names(t.zh), names(t.en), "{key:?}");
        }
    }

    #[test]
    fn a_said_message_is_worded_in_the_language_asked() {
        let said = Said::new(Key::MovedTo)
            .data("title", "井盖缺失")
            .text("stage", Text::new("结案", "Closed"));
        assert_eq!(
            said.in_lang(Lang::En),
            fill(
                Key::MovedTo.text().en,
                &[("title", "井盖缺失"), ("stage", "Closed")]
            )
        );
        assert_eq!(
            said.in_lang(Lang::ZhCn),
            fill(
                Key::MovedTo.text().zh,
                &[("title", "井盖缺失"), ("stage", "结案")]
            )
        );
    }

    #[test]
    fn fill_replaces_named_placeholders() {
        assert_eq!(fill("{n} 位居民", &[("n", "3")]), "3 位居民");
    }

    #[test]
    fn pieces_mark_the_filled_in_values() {
        assert_eq!(
            pieces("Hello, {name}! {x} stays", &[("name", "刘先生")]),
            vec![
                ("Hello, ".to_string(), false),
                ("刘先生".to_string(), true),
                // An unknown placeholder stays as written, unmarked.
                ("! {x}".to_string(), false),
                (" stays".to_string(), false),
            ]
        );
        assert_eq!(pieces("{n}", &[("n", "3")]), vec![("3".to_string(), true)]);
    }

    #[test]
    fn english_texts_hold_no_chinese() {
        // The switch names the other language in that language, on purpose.
        let allowed = [Key::SwitchLanguage];
        for key in Key::ALL.iter().filter(|k| !allowed.contains(k)) {
            let en = key.text().en;
            assert!(
                !en.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "{key:?}: {en}"
            );
        }
    }
}
