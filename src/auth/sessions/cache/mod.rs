//! What `authenticate` needs to know about a session (its user, whether it
//! was revoked, when it ends), kept in memory so that a request with a valid
//! access token costs no database read and no hop to the blocking threads.
//!
//! It can be trusted only because nothing changes a session unheard: on
//! SQLite, `db::ServerLock` keeps a second server off the database file,
//! `sesame purge` only deletes sessions that have already ended, and every
//! write that changes a session goes through `Sessions::change`, which
//! forgets it once the write is over (on the blocking thread that ran it, so
//! a dropped request cannot skip it). On PostgreSQL other instances write
//! too: each write announces what it changed, and the listener (`db::listen`)
//! has it forgotten here (`Hears`). While the listener is not connected,
//! nothing is remembered or answered from memory: every lookup reads the
//! database, until it hears again and has dropped all it remembered.
//! A lookup that raced such a write is not kept: every forget moves an epoch
//! on, and what was read before it is thrown away. Sessions share 64 epochs
//! by a hash of their id, so one client refreshing in a loop only slows the
//! remembering of the few sessions that share its epoch.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use crate::auth::generations::Generations;
use crate::auth::Profile;
use crate::clock::Millis;
use crate::db::{Hears, SessionsChanged};

/// Sessions kept: two generations of up to this many (about 350 bytes each).
const GENERATION_SIZE: usize = 16_384;
/// How long what was read is used: what changes a user without a session
/// write (`sesame users set-roles`, run by another process) is seen within it.
const FRESH_FOR: Duration = Duration::from_secs(2);

/// A session as the database last had it.
#[derive(Debug)]
pub struct KnownSession {
    pub user: Arc<Profile>,
    pub revoked: bool,
    /// When it ends unless refreshed (a refresh forgets it).
    pub ends_at: Millis,
    /// When it was read from the database.
    pub read_at: Instant,
}

impl KnownSession {
    pub fn is_active(&self, now: Millis) -> bool {
        !self.revoked && now < self.ends_at
    }
}

pub enum Lookup {
    Known(Arc<KnownSession>),
    /// Not in memory: read it, then `remember` it with this epoch.
    Unknown {
        epoch: u64,
    },
}

pub struct SessionCache {
    inner: RwLock<Inner>,
    /// False while changes made elsewhere may go unheard.
    trusted: AtomicBool,
}

/// How many epochs the sessions share.
const EPOCHS: usize = 64;

struct Inner {
    sessions: Generations<Arc<KnownSession>>,
    /// Each moves on when a session of its share is forgotten.
    epochs: [u64; EPOCHS],
}

/// The epoch a session shares.
fn share(session_id: &str) -> usize {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(session_id) as usize % EPOCHS
}

impl Default for SessionCache {
    fn default() -> Self {
        Self::with_generation_size(GENERATION_SIZE)
    }
}

impl SessionCache {
    fn with_generation_size(size: usize) -> Self {
        SessionCache {
            inner: RwLock::new(Inner {
                sessions: Generations::new(size),
                epochs: [0; EPOCHS],
            }),
            trusted: AtomicBool::new(true),
        }
    }

    pub fn get(&self, session_id: &str) -> Lookup {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let known = inner
            .sessions
            .get(session_id)
            .filter(|known| known.read_at.elapsed() < FRESH_FOR)
            .filter(|_| self.trusted.load(Ordering::Acquire));
        match known {
            Some(known) => Lookup::Known(Arc::clone(known)),
            None => Lookup::Unknown {
                epoch: inner.epochs[share(session_id)],
            },
        }
    }

    /// Keeps what was read, unless a session was forgotten since `epoch`
    /// (the read may predate that write), or changes may go unheard.
    pub fn remember(&self, session_id: String, session: Arc<KnownSession>, epoch: u64) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if inner.epochs[share(&session_id)] == epoch && self.trusted.load(Ordering::Acquire) {
            inner.sessions.insert(session_id, session);
        }
    }

    /// Forgets everything, and every read in flight.
    fn forget_all(&self) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        for epoch in &mut inner.epochs {
            *epoch += 1;
        }
        inner.sessions.retain(|_| false);
    }

    /// After a write that changed or ended these sessions.
    pub fn forget(&self, session_ids: &[String]) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        for id in session_ids {
            inner.epochs[share(id)] += 1;
            inner.sessions.remove(id);
        }
    }

    /// After a write that ended every session of the user.
    pub fn forget_user(&self, user_id: &str) {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        // Their ids are not at hand: every epoch moves on (a rare write).
        for epoch in &mut inner.epochs {
            *epoch += 1;
        }
        inner.sessions.retain(|s| s.user.id != user_id);
    }
}

impl Hears for SessionCache {
    fn changed(&self, changed: SessionsChanged) {
        match changed {
            SessionsChanged::Sessions(ids) => self.forget(&ids),
            SessionsChanged::AllOfUser(user_id) => self.forget_user(&user_id),
        }
    }

    fn lost(&self) {
        self.trusted.store(false, Ordering::Release);
        self.forget_all();
    }

    fn listening(&self) {
        // Dropped first, under the lock, then trusted: a read that began
        // before now carries an older epoch and is not kept.
        self.forget_all();
        self.trusted.store(true, Ordering::Release);
    }
}

#[cfg(test)]
mod tests;
