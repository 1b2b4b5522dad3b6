//! Database connection, migrations, and write transactions.
//!
//! SQLite allows one writer at a time; a transaction that reads and then writes can fail with
//! SQLITE_BUSY when another writer got there first. Rather than retry, we queue writers in
//! the process behind one async mutex, so every write transaction starts only when it can
//! finish. PostgreSQL needs no such queue.

use migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, TransactionTrait};
use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    writer: Option<Arc<Mutex<()>>>,
}

/// A write transaction; on SQLite it also holds the single-writer slot until dropped.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _slot: Option<OwnedMutexGuard<()>>,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbErr> {
        if let Some(path) = sqlite_file_path(url) {
            if let Some(dir) = std::path::Path::new(&path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
                }
            }
        }
        let mut opts = ConnectOptions::new(url.to_string());
        opts.max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .sqlx_logging(false);
        let conn = Database::connect(opts).await?;
        let sqlite = conn.get_database_backend() == DbBackend::Sqlite;
        if sqlite {
            // WAL lets readers proceed while one writer writes; it is a property of the file.
            conn.execute_unprepared("PRAGMA journal_mode = WAL;").await?;
            conn.execute_unprepared("PRAGMA synchronous = NORMAL;").await?;
        }
        Ok(Db { conn, writer: sqlite.then(|| Arc::new(Mutex::new(()))) })
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        let slot = match &self.writer {
            Some(m) => Some(m.clone().lock_owned().await),
            None => None,
        };
        let txn = self.conn.begin().await?;
        Ok(WriteTxn { txn, _slot: slot })
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}

/// The file behind an SQLite URL, so its directory can be created on first start.
fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_paths() {
        assert_eq!(super::sqlite_file_path("sqlite://data/linju.db?mode=rwc").as_deref(), Some("data/linju.db"));
        assert_eq!(super::sqlite_file_path("sqlite:///tmp/x.db?mode=rwc").as_deref(), Some("/tmp/x.db"));
        assert_eq!(super::sqlite_file_path("postgres://u@h/db"), None);
        assert_eq!(super::sqlite_file_path("sqlite::memory:"), None);
    }
}
