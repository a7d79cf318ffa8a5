//! [`AppState`]: what the handlers share — the open database (an SQLite file or a PostgreSQL
//! connection: the handlers do not know which) behind one mutex, used on the blocking pool
//! (correctness over throughput).

use std::sync::{Arc, Mutex, MutexGuard};

use super::error::AppError;
use crate::db::Db;

/// Shared state of the handlers.
pub struct AppState {
    db: Mutex<Db>,
}

impl AppState {
    /// Wraps an open database.
    pub fn new(db: Db) -> AppState {
        AppState { db: Mutex::new(db) }
    }

    fn db(&self) -> MutexGuard<'_, Db> {
        // A panic while holding the lock cannot leave a half-written batch (one transaction).
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the database on the blocking pool; its error (and a panic) become an
    /// [`AppError`] (a 500 unless `E` says otherwise).
    ///
    /// # Errors
    /// `f`'s error, or [`AppError::Internal`] if the task panicked.
    pub async fn with_db<T, E, F>(self: &Arc<Self>, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Db) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Into<AppError> + Send + 'static,
    {
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || f(&mut state.db()))
            .await?
            .map_err(Into::into)
    }
}
