//! Wall-clock time as the database stores it: Unix milliseconds.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub fn now_ms() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as Millis)
}

/// A setting's duration in milliseconds, saturating (settings are bounded anyway).
pub fn ms(duration: Duration) -> Millis {
    Millis::try_from(duration.as_millis()).unwrap_or(Millis::MAX)
}

/// RFC 3339 in UTC to the second, as the API shows times: `2026-11-24T15:04:05Z`.
pub fn rfc3339(at: Millis) -> String {
    OffsetDateTime::from_unix_timestamp(at.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_whole_seconds_in_utc() {
        assert_eq!(rfc3339(1_764_000_000_999), "2025-11-24T16:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}

/// "30 minutes", "1 hour", "90 seconds".
pub fn readable(duration: Duration) -> String {
    let seconds = duration.as_secs();
    let (count, unit) = match seconds {
        s if s % 3600 == 0 && s >= 3600 => (s / 3600, "hour"),
        s if s % 60 == 0 && s >= 60 => (s / 60, "minute"),
        s => (s, "second"),
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

#[cfg(test)]
mod readable_tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(readable(Duration::from_secs(1800)), "30 minutes");
        assert_eq!(readable(Duration::from_secs(3600)), "1 hour");
        assert_eq!(readable(Duration::from_secs(90)), "90 seconds");
    }
}
