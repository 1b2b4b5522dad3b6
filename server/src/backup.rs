//! Backing up and restoring the database (`server backup --to FILE`, `server restore --from
//! FILE`).
//!
//! SQLite: the backup is `VACUUM INTO`, which copies the database as one read transaction
//! sees it — consistent while the server goes on serving and writing (WAL readers do not block
//! writers), compacted, and without the WAL. SQLite's page-by-page online backup API would do
//! the same but is not reachable through sqlx; `VACUUM INTO` is its documented equivalent for
//! a consistent copy. A restore checks the file first (SQLite's integrity check, and that
//! every migration it carries is one this program knows), then puts it in place under a
//! temporary name and renames it, so a failed restore never leaves half a database.
//!
//! PostgreSQL: the same two commands run `pg_dump --format=custom` and `pg_restore` (the
//! PostgreSQL client tools of the server's version must be on `PATH`); see the README.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::path::{Path, PathBuf};

/// What a backup or restore found in the copy: its tables and their rows.
#[derive(Debug)]
pub struct Contents {
    pub tables: Vec<(String, i64)>,
    pub migrations: usize,
}

impl Contents {
    pub fn rows(&self, table: &str) -> Option<i64> {
        self.tables
            .iter()
            .find(|(name, _)| name == table)
            .map(|(_, n)| *n)
    }
}

fn sqlite_path(url: &str) -> Option<PathBuf> {
    crate::db::sqlite_file_path(url).map(PathBuf::from)
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', "''"))
}

async fn open_read_only(path: &Path) -> Result<DatabaseConnection, String> {
    Database::connect(format!("sqlite://{}?mode=ro", path.display()))
        .await
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Check a SQLite copy and list what it holds: integrity, migrations this program knows,
/// rows per table.
pub async fn inspect_sqlite(path: &Path) -> Result<Contents, String> {
    let conn = open_read_only(path).await?;
    let check = conn
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA integrity_check",
        ))
        .await
        .map_err(|e| format!("{} is not a readable SQLite database: {e}", path.display()))?
        .and_then(|row| row.try_get_by_index::<String>(0).ok())
        .unwrap_or_default();
    if check != "ok" {
        return Err(format!(
            "{} fails SQLite's integrity check: {check}",
            path.display()
        ));
    }
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_string())
        .collect();
    let applied: Vec<String> = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await
        .map_err(|e| format!("{} is not a Linju database: {e}", path.display()))?
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    if let Some(unknown) = applied.iter().find(|m| !known.contains(m)) {
        return Err(format!(
            "{} was written by a newer Linju (migration {unknown} is unknown here)",
            path.display()
        ));
    }
    let names: Vec<String> = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        ))
        .await
        .map_err(|e| e.to_string())?
        .iter()
        .filter_map(|row| row.try_get_by_index::<String>(0).ok())
        .collect();
    let mut tables = Vec::new();
    for name in names {
        let n = conn
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")),
            ))
            .await
            .map_err(|e| e.to_string())?
            .and_then(|row| row.try_get_by_index::<i64>(0).ok())
            .unwrap_or(0);
        tables.push((name, n));
    }
    conn.close().await.ok();
    Ok(Contents {
        tables,
        migrations: applied.len(),
    })
}

/// Write a consistent copy of the database at `url` to `to` (which must not exist).
pub async fn backup(url: &str, to: &Path) -> Result<String, String> {
    if to.exists() {
        return Err(format!(
            "{} exists already; a backup never overwrites",
            to.display()
        ));
    }
    if is_postgres(url) {
        return run_tool(
            "pg_dump",
            &[
                "--format=custom",
                "--no-owner",
                "--file",
                &to.display().to_string(),
                "--dbname",
                url,
            ],
        )
        .map(|()| format!("PostgreSQL backup written with pg_dump: {}", to.display()));
    }
    if sqlite_path(url).is_none() {
        return Err(format!(
            "cannot back up {url}: not a SQLite file nor PostgreSQL"
        ));
    }
    let conn = Database::connect(url)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    conn.execute_unprepared(&format!("VACUUM INTO {}", quoted(to)))
        .await
        .map_err(|e| format!("backup failed: {e}"))?;
    conn.close().await.ok();
    let contents = inspect_sqlite(to).await?;
    Ok(summary("backup written", to, &contents))
}

/// Put the backup `from` in place as the database at `url`. The target must not exist unless
/// `replace` (and then no server may be running on it).
pub async fn restore(url: &str, from: &Path, replace: bool) -> Result<String, String> {
    if is_postgres(url) {
        let mut args = vec!["--no-owner", "--exit-on-error", "--single-transaction"];
        if replace {
            args.extend(["--clean", "--if-exists"]);
        }
        let from = from.display().to_string();
        args.extend(["--dbname", url, from.as_str()]);
        return run_tool("pg_restore", &args)
            .map(|()| format!("PostgreSQL database restored with pg_restore from {from}"));
    }
    let Some(target) = sqlite_path(url) else {
        return Err(format!(
            "cannot restore into {url}: not a SQLite file nor PostgreSQL"
        ));
    };
    let contents = inspect_sqlite(from).await?;
    let sidecars = ["-wal", "-shm"].map(|s| PathBuf::from(format!("{}{s}", target.display())));
    if target.exists() && !replace {
        return Err(format!(
            "{} exists; stop the server and restore with --replace to overwrite it",
            target.display()
        ));
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let temporary = PathBuf::from(format!("{}.restoring", target.display()));
    std::fs::copy(from, &temporary).map_err(|e| format!("cannot copy the backup: {e}"))?;
    std::fs::File::open(&temporary)
        .and_then(|f| f.sync_all())
        .map_err(|e| format!("cannot write the copy to disk: {e}"))?;
    // The old database's write-ahead log belongs to the old file: it must not be replayed
    // over the restored one.
    for s in &sidecars {
        if s.exists() {
            std::fs::remove_file(s).map_err(|e| format!("cannot remove {}: {e}", s.display()))?;
        }
    }
    std::fs::rename(&temporary, &target)
        .map_err(|e| format!("cannot put the copy in place: {e}"))?;
    Ok(summary("restored", &target, &contents))
}

fn summary(what: &str, path: &Path, c: &Contents) -> String {
    let rows: i64 = c.tables.iter().map(|(_, n)| n).sum();
    format!(
        "{what}: {} — {} tables, {rows} rows ({} cases, {} case events, {} residents), {} migrations",
        path.display(),
        c.tables.len(),
        c.rows("cases").unwrap_or(0),
        c.rows("case_events").unwrap_or(0),
        c.rows("residents").unwrap_or(0),
        c.migrations
    )
}

fn run_tool(tool: &str, args: &[&str]) -> Result<(), String> {
    let status = std::process::Command::new(tool)
        .args(args)
        .status()
        .map_err(|e| {
            format!("cannot run {tool} (the PostgreSQL client tools must be on PATH): {e}")
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{tool} failed ({status})"))
    }
}
