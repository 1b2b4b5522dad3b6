//! Database connection, migrations, write transactions, and the few helpers every area's
//! store uses: a lookup that answers 404 and a unique constraint's refusal in the API's words.
//!
//! SQLite allows one writer at a time; a transaction that reads and then writes can fail with
//! SQLITE_BUSY when another writer got there first. Rather than retry, we queue writers in
//! the process behind one async mutex, so every write transaction starts only when it can
//! finish. PostgreSQL needs no such queue.

use crate::error::{AppError, AppResult, Or404};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::LockType;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, EntityTrait, PrimaryKeyTrait, QuerySelect, Select, SqlErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use shared::error::ErrorCode;
use std::future::Future;
use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{Mutex, OwnedMutexGuard};

/// Statements run by this process so far (all connections). The benchmarks read it around
/// a run of requests to print how many queries one request makes.
static STATEMENTS: AtomicU64 = AtomicU64::new(0);

/// The largest value of an integer column (an id), if the table has rows.
pub async fn largest<E: EntityTrait>(
    conn: &impl ConnectionTrait,
    column: E::Column,
) -> Result<Option<i64>, DbErr> {
    Ok(E::find()
        .select_only()
        .column_as(sea_orm::ColumnTrait::max(&column), "largest")
        .into_tuple::<Option<i64>>()
        .one(conn)
        .await?
        .flatten())
}

/// How many statements this process has sent to the database.
pub fn statements_run() -> u64 {
    STATEMENTS.load(Ordering::Relaxed)
}

/// How long a write waits for its turn before the request is answered 503.
const WRITER_WAIT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Db {
    pub conn: DatabaseConnection,
    writer: Option<Arc<Mutex<()>>>,
}

/// A write transaction; on SQLite it also holds the single-writer slot until dropped. Inside
/// a request sent with an `Idempotency-Key` it also holds the key's claim, committed with it.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _slot: Option<OwnedMutexGuard<()>>,
    claim: Option<crate::idempotency::Hold>,
}

impl Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await?;
        if let Some(claim) = &self.claim {
            claim.taken();
        }
        Ok(())
    }

    /// Read one row and hold it for the rest of this transaction: `SELECT … FOR UPDATE` on
    /// PostgreSQL; on SQLite this transaction already holds the only writer slot. Every
    /// "at most N" limit (photos per case, item or record; a column's hard limit) locks its
    /// parent row this way and then counts, so requests arriving together pass one by one
    /// and the Nth + 1 sees the N before it.
    pub async fn lock<E: EntityTrait>(
        &self,
        id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
    ) -> Result<Option<E::Model>, DbErr> {
        self.read_locked::<E>(id, LockType::Update).await
    }

    /// Read one row and keep it from changing until this transaction ends, while others may
    /// read and share it too: `SELECT … FOR SHARE` on PostgreSQL (on SQLite this transaction
    /// already holds the only writer slot). Many writers that only need the row to stay as it
    /// is (votes on an open ballot) run side by side; one that changes it (closing the ballot)
    /// waits for them and they for it.
    pub async fn share<E: EntityTrait>(
        &self,
        id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
    ) -> Result<Option<E::Model>, DbErr> {
        self.read_locked::<E>(id, LockType::Share).await
    }

    /// One row read with a row lock on PostgreSQL; on SQLite the writer slot is the lock.
    async fn read_locked<E: EntityTrait>(
        &self,
        id: <E::PrimaryKey as PrimaryKeyTrait>::ValueType,
        kind: LockType,
    ) -> Result<Option<E::Model>, DbErr> {
        let find = E::find_by_id(id);
        if self.txn.get_database_backend() == DbBackend::Postgres {
            find.lock(kind).one(&self.txn).await
        } else {
            find.one(&self.txn).await
        }
    }

    /// Hold a named lock until this transaction ends, so that two writers about the same
    /// thing (one voter on one ballot) pass one by one while all others go on: a transaction
    /// advisory lock on PostgreSQL; nothing to do on SQLite, where this transaction already
    /// holds the only writer slot.
    pub async fn hold(&self, name: &str) -> Result<(), DbErr> {
        if self.txn.get_database_backend() == DbBackend::Postgres {
            self.txn
                .execute_raw(sea_orm::Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))",
                    [name.into()],
                ))
                .await?;
        }
        Ok(())
    }
}

impl Db {
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, DbErr> {
        if let Some(path) = sqlite_file_path(url)
            && let Some(dir) = std::path::Path::new(&path).parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbErr::Custom(format!("cannot create {}: {e}", dir.display())))?;
        }
        let mut opts = ConnectOptions::new(url.to_string());
        opts.max_connections(max_connections)
            .min_connections(1)
            .connect_timeout(Duration::from_secs(10))
            .acquire_timeout(Duration::from_secs(30))
            .sqlx_logging(false)
            // Every pooled SQLite connection gets the same settings. WAL lets readers proceed
            // while one writer writes; the busy timeout covers other processes (tools).
            .map_sqlx_sqlite_opts(|o| {
                o.journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
        let mut conn = Database::connect(opts).await?;
        conn.set_metric_callback(|_| {
            STATEMENTS.fetch_add(1, Ordering::Relaxed);
        });
        let sqlite = conn.get_database_backend() == DbBackend::Sqlite;
        Ok(Db {
            conn,
            writer: sqlite.then(|| Arc::new(Mutex::new(()))),
        })
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// Start a write transaction. On SQLite: wait (at most `WRITER_WAIT`) for the writer slot,
    /// then `BEGIN IMMEDIATE`, so the write lock is held from the first statement and a
    /// transaction that reads before it writes cannot meet a newer snapshot.
    ///
    /// In a request sent with an `Idempotency-Key`, the first write transaction claims the key
    /// (`idempotency::claim`): the key is taken exactly when this transaction commits.
    pub async fn begin_write(&self) -> Result<WriteTxn, AppError> {
        let mut write = self.begin_write_unclaimed().await?;
        write.claim = crate::idempotency::claim(&write.txn).await?;
        Ok(write)
    }

    async fn begin_write_unclaimed(&self) -> Result<WriteTxn, AppError> {
        let Some(m) = &self.writer else {
            return Ok(WriteTxn {
                txn: self.conn.begin().await?,
                _slot: None,
                claim: None,
            });
        };
        let slot = tokio::time::timeout(WRITER_WAIT, m.clone().lock_owned())
            .await
            .map_err(|_| {
                tracing::warn!("gave up waiting for the database writer");
                AppError::Code(ErrorCode::Unavailable)
            })?;
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        let txn = self.conn.begin_with_options(options).await?;
        Ok(WriteTxn {
            txn,
            _slot: Some(slot),
            claim: None,
        })
    }

    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.ping().await
    }
}

/// `E::find_by_id(id).one_or_404(conn)`: the one row a query finds, or 404.
pub trait OneOr404<E: EntityTrait> {
    fn one_or_404<C: ConnectionTrait>(
        self,
        conn: &C,
    ) -> impl Future<Output = AppResult<E::Model>> + Send;
}

impl<E: EntityTrait> OneOr404<E> for Select<E> {
    async fn one_or_404<C: ConnectionTrait>(self, conn: &C) -> AppResult<E::Model> {
        self.one(conn).await?.or_404()
    }
}

/// A write that a unique constraint may refuse (two requests racing past the check before
/// it, or no check at all): that refusal becomes `refusal`, any other error passes on.
pub trait OnUnique<T> {
    fn on_unique(self, refusal: AppError) -> AppResult<T>;
}

impl<T> OnUnique<T> for Result<T, DbErr> {
    fn on_unique(self, refusal: AppError) -> AppResult<T> {
        self.map_err(|e| match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => refusal,
            _ => e.into(),
        })
    }
}

/// The next version of a row, counted by the database from the stored one: the update that
/// sets it is filtered on the version the client sent, so a client's number is compared,
/// never added to (a version of `i64::MAX` from outside is a 409, not an overflow).
pub fn next_version<C: sea_orm::sea_query::IntoColumnRef>(version: C) -> sea_orm::sea_query::Expr {
    use sea_orm::sea_query::ExprTrait;
    sea_orm::sea_query::Expr::col(version).add(1)
}

/// The file behind an SQLite URL, so its directory can be created on first start.
pub(crate) fn sqlite_file_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_paths() {
        assert_eq!(
            super::sqlite_file_path("sqlite://data/linju.db?mode=rwc").as_deref(),
            Some("data/linju.db")
        );
        assert_eq!(
            super::sqlite_file_path("sqlite:///tmp/x.db?mode=rwc").as_deref(),
            Some("/tmp/x.db")
        );
        assert_eq!(super::sqlite_file_path("postgres://u@h/db"), None);
        assert_eq!(super::sqlite_file_path("sqlite::memory:"), None);
    }
}
