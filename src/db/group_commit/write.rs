//! One write as the writer runs it, whatever its result type: run in its
//! savepoint (or alone), then answered with the outcome of the commit that
//! holds it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use diesel::backend::Backend;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::{QueryResult, RunQueryDsl};
use tokio::sync::oneshot;

use crate::db::conn::{each_backend, Conn};
use crate::error::AppError;

/// A write, whatever its result type.
pub(super) trait Write: Send {
    /// Runs it, in a savepoint of the batch's transaction when `savepoint`;
    /// also the error that leaves the transaction unusable, if one did.
    fn run(self: Box<Self>, conn: &mut Conn, savepoint: bool) -> Ran;
    /// Answers `error` without running it.
    fn refuse(self: Box<Self>, error: AppError);
}

/// A write that ran and waits for its commit's outcome to be answered.
pub(super) trait Written: Send {
    fn answer(self: Box<Self>, committed: Result<(), &AppError>);
}

pub(super) struct Ran {
    pub(super) written: Box<dyn Written>,
    pub(super) succeeded: bool,
    pub(super) broke: Option<AppError>,
}

pub(super) struct Asked<T, F, A> {
    pub(super) work: F,
    pub(super) after: A,
    pub(super) reply: oneshot::Sender<Result<T, AppError>>,
}

struct Done<T, A> {
    outcome: Result<T, AppError>,
    after: A,
    reply: oneshot::Sender<Result<T, AppError>>,
}

/// The commit's failure, for each write it held.
pub(super) fn same_error(error: &AppError) -> AppError {
    match error {
        AppError::Busy => AppError::Busy,
        AppError::Unexpected(cause) => {
            AppError::unexpected(format!("the shared transaction failed: {cause}"))
        }
        other => AppError::unexpected(other.to_string()),
    }
}

impl<T, F, A> Write for Asked<T, F, A>
where
    F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
    A: FnOnce() + Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut Conn, savepoint: bool) -> Ran {
        let Asked { work, after, reply } = *self;
        let (outcome, broke) = if savepoint {
            in_savepoint(conn, work)
        } else {
            (caught(conn, work), None)
        };
        Ran {
            succeeded: outcome.is_ok(),
            written: Box::new(Done {
                outcome,
                after,
                reply,
            }),
            broke,
        }
    }

    fn refuse(self: Box<Self>, error: AppError) {
        let _ = self.reply.send(Err(error));
    }
}

impl<T, A> Written for Done<T, A>
where
    T: Send + 'static,
    A: FnOnce() + Send + 'static,
{
    fn answer(self: Box<Self>, committed: Result<(), &AppError>) {
        let Done {
            outcome,
            after,
            reply,
        } = *self;
        let answer = match committed {
            Ok(()) => outcome,
            Err(error) => Err(same_error(error)),
        };
        after();
        let _ = reply.send(answer);
    }
}

/// `work` in a savepoint: released when it succeeds, rolled back when it
/// fails (the batch's other writes stand). Also the error that leaves the
/// transaction unusable, when a savepoint cannot be taken, released or
/// rolled back.
fn in_savepoint<T>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, AppError>,
) -> (Result<T, AppError>, Option<AppError>) {
    if let Err(error) = each_backend!(&mut *conn, |c| TakeSavepoint.execute(c)) {
        let broke = AppError::from(error);
        return (Err(same_error(&broke)), Some(broke));
    }
    let outcome = caught(conn, work);
    let ended = match outcome {
        Ok(_) => each_backend!(&mut *conn, |c| ReleaseSavepoint.execute(c)),
        Err(_) => each_backend!(&mut *conn, |c| RollBackToSavepoint
            .execute(c)
            .and_then(|_| ReleaseSavepoint.execute(c))),
    };
    match ended {
        Ok(_) => (outcome, None),
        Err(error) => {
            let broke = AppError::from(error);
            (Err(same_error(&broke)), Some(broke))
        }
    }
}

/// A statement of no parameters, kept prepared in the connection's cache
/// (found by its type): `batch_execute`, as Diesel takes a savepoint,
/// parses its SQL again every time, twice for every write.
macro_rules! kept_prepared {
    ($name:ident, $sql:literal) => {
        struct $name;

        impl QueryId for $name {
            type QueryId = $name;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl<DB: Backend> QueryFragment<DB> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl<C> RunQueryDsl<C> for $name {}
    };
}

// Each write's savepoint. A write that takes one of its own (Diesel's
// `transaction`) nests it inside, under another name.
kept_prepared!(TakeSavepoint, "SAVEPOINT sesame_write");
kept_prepared!(ReleaseSavepoint, "RELEASE sesame_write");
kept_prepared!(RollBackToSavepoint, "ROLLBACK TO sesame_write");

/// `work` on the connection; a panic in it is that write's error, never the
/// writer's end.
fn caught<T>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    catch_unwind(AssertUnwindSafe(|| work(conn)))
        .unwrap_or_else(|_| Err(AppError::unexpected("a write panicked")))
}
