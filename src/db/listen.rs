//! Telling other instances which sessions changed, and hearing what they
//! changed (PostgreSQL's `LISTEN`/`NOTIFY`). Each instance remembers
//! sessions in memory (`auth::Sessions`); a write that changes one announces
//! it inside its own transaction, so the announcement goes out at commit (and
//! never for a write rolled back), and every instance's listener forgets it.
//! On SQLite there is one server per file and nothing to announce.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::sql_types::Text;
use diesel::{Connection, PgConnection, RunQueryDsl};

use super::Conn;
use crate::config::PostgresUrl;
use crate::error::AppError;

/// The channel every instance listens on.
const CHANNEL: &str = "sesame_sessions";
/// How often the listener looks for announcements: the delay they add.
const POLL: Duration = Duration::from_millis(2);
/// How often the listener checks that its connection still answers (a
/// server that went away without closing it).
const CHECK: Duration = Duration::from_secs(1);
/// How long the listener waits before connecting again.
const RECONNECT: Duration = Duration::from_millis(200);
/// How long stopping waits for the thread (it looks every `POLL`; longer
/// only while connecting to a server that does not answer).
const STOP_WAIT: Duration = Duration::from_secs(5);
/// PostgreSQL takes payloads of up to 8,000 bytes.
const MAX_PAYLOAD: usize = 7_000;

/// Which sessions a write changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionsChanged {
    Sessions(Vec<String>),
    AllOfUser(String),
}

impl SessionsChanged {
    /// `s id id …` (split to fit) or `u user-id`.
    fn payloads(&self) -> Vec<String> {
        match self {
            SessionsChanged::AllOfUser(user_id) => vec![format!("u {user_id}")],
            SessionsChanged::Sessions(ids) => {
                let mut payloads = Vec::new();
                let mut current = String::from("s");
                for id in ids {
                    if current.len() + 1 + id.len() > MAX_PAYLOAD {
                        payloads.push(std::mem::replace(&mut current, String::from("s")));
                    }
                    current.push(' ');
                    current.push_str(id);
                }
                payloads.push(current);
                payloads
            }
        }
    }

    fn parse(payload: &str) -> Option<SessionsChanged> {
        let mut words = payload.split(' ');
        match words.next()? {
            "u" => Some(SessionsChanged::AllOfUser(words.next()?.to_owned())),
            "s" => Some(SessionsChanged::Sessions(
                words.map(str::to_owned).collect(),
            )),
            _ => None,
        }
    }
}

/// Inside the transaction that made the change: delivered to every listener
/// when it commits.
pub fn announce(conn: &mut Conn, changed: &SessionsChanged) -> Result<(), AppError> {
    let Conn::Postgres(conn) = conn else {
        return Ok(());
    };
    for payload in changed.payloads() {
        diesel::sql_query("SELECT pg_notify($1, $2)")
            .bind::<Text, _>(CHANNEL)
            .bind::<Text, _>(payload)
            .execute(conn)?;
    }
    Ok(())
}

/// What an instance does with what it hears.
pub trait Hears: Send + Sync + 'static {
    /// Another write (maybe this instance's own) changed these sessions.
    fn changed(&self, changed: SessionsChanged);
    /// The listener lost its connection: announcements may be missed from
    /// now on, so nothing remembered may be trusted.
    fn lost(&self);
    /// The listener hears again: what was remembered before may have missed
    /// announcements and must be dropped; from now on it hears every one.
    fn listening(&self);
}

/// The listening thread, stopped when this is dropped.
pub struct Listener {
    stop: Arc<AtomicBool>,
    /// Disconnected once the thread has ended, its connection closed.
    ended: mpsc::Receiver<()>,
}

impl Listener {
    pub fn spawn(url: &PostgresUrl, hears: Arc<dyn Hears>) -> std::io::Result<Listener> {
        let stop = Arc::new(AtomicBool::new(false));
        let (url, stopped) = (url.clone(), Arc::clone(&stop));
        let (ending, ended) = mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sesame-listener".into())
            .spawn(move || {
                let _ending = ending;
                listen(&url, &*hears, &stopped);
            })?;
        Ok(Listener { stop, ended })
    }
}

impl Drop for Listener {
    /// Waits for the thread to close its connection: one still open when
    /// the process exits would be closed by libpq while OpenSSL's exit
    /// handler frees what it uses (a SIGSEGV; see `db::pool_threads`).
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.ended.recv_timeout(STOP_WAIT);
    }
}

fn listen(url: &PostgresUrl, hears: &dyn Hears, stop: &AtomicBool) {
    let mut was_lost = false;
    while !stop.load(Ordering::Relaxed) {
        let connected = PgConnection::establish(url.expose()).and_then(|mut conn| {
            conn.batch_execute(&format!(
                "SET application_name = 'sesame-listener'; LISTEN {CHANNEL}"
            ))
            .map(|()| conn)
            .map_err(|e| diesel::ConnectionError::BadConnection(e.to_string()))
        });
        match connected {
            Ok(mut conn) => {
                hears.listening();
                if was_lost {
                    log::info!("hearing other instances' session changes again");
                }
                let error = hear(&mut conn, hears, stop);
                hears.lost();
                if let Some(error) = error {
                    log::warn!(
                        "lost the connection that hears other instances' session changes \
                         ({error}); reading sessions from the database until it is back"
                    );
                }
                was_lost = true;
                std::thread::sleep(RECONNECT);
            }
            Err(_) => std::thread::sleep(RECONNECT),
        }
    }
}

/// Hears until stopped (`None`) or until the connection fails.
fn hear(conn: &mut PgConnection, hears: &dyn Hears, stop: &AtomicBool) -> Option<String> {
    let mut checked = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        for heard in conn.notifications_iter() {
            match heard {
                Ok(notification) => {
                    if let Some(changed) = SessionsChanged::parse(&notification.payload) {
                        hears.changed(changed);
                    }
                }
                Err(error) => return Some(error.to_string()),
            }
        }
        if checked.elapsed() >= CHECK {
            if let Err(error) = conn.batch_execute("SELECT 1") {
                return Some(error.to_string());
            }
            checked = Instant::now();
        }
        std::thread::sleep(POLL);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_read_back_as_what_was_announced_and_fit_postgresql() {
        let user = SessionsChanged::AllOfUser("u-1".into());
        assert_eq!(user.payloads(), ["u u-1"]);
        assert_eq!(SessionsChanged::parse("u u-1"), Some(user));
        let ids: Vec<String> = (0..1000).map(|n| format!("{n:036}")).collect();
        let many = SessionsChanged::Sessions(ids.clone());
        let payloads = many.payloads();
        assert!(payloads.len() > 1);
        let mut heard = Vec::new();
        for payload in &payloads {
            assert!(payload.len() <= MAX_PAYLOAD);
            let Some(SessionsChanged::Sessions(part)) = SessionsChanged::parse(payload) else {
                panic!("{payload}");
            };
            heard.extend(part);
        }
        assert_eq!(heard, ids);
        assert_eq!(SessionsChanged::parse("x"), None);
    }
}
