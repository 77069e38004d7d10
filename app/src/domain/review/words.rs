//! How the queue says ages and subjects, in words a reviewer reads at a glance.

use time::Duration;

/// "just now", "12 min", "3 h 5 min", "2 days 4 h".
pub fn age(waited: Duration) -> String {
    let minutes = waited.whole_minutes().max(0);
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours, mins) {
        (0, 0, 0) => "just now".into(),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, 0, _) => "1 day".into(),
        (1, h, _) => format!("1 day {h} h"),
        (d, 0, _) => format!("{d} days"),
        (d, h, _) => format!("{d} days {h} h"),
    }
}

/// "2026-11-29 11:08 UTC": to the minute, as the pages show times.
pub fn when(t: time::OffsetDateTime) -> String {
    let full = crate::domain::rfc3339(t);
    match (full.get(..10), full.get(11..16)) {
        (Some(date), Some(hm)) => format!("{date} {hm} UTC"),
        _ => full,
    }
}

/// "write · CRM › update_contact · production".
pub fn subject(access: &str, capability: &str, action: Option<&str>, environment: &str) -> String {
    match action {
        Some(action) => format!("{access} · {capability} › {action} · {environment}"),
        None => format!("{access} · {capability} · {environment}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_naturally() {
        assert_eq!(age(Duration::seconds(30)), "just now");
        assert_eq!(age(Duration::seconds(-5)), "just now");
        assert_eq!(age(Duration::minutes(12)), "12 min");
        assert_eq!(age(Duration::hours(3)), "3 h");
        assert_eq!(age(Duration::minutes(185)), "3 h 5 min");
        assert_eq!(age(Duration::hours(24)), "1 day");
        assert_eq!(age(Duration::hours(28)), "1 day 4 h");
        assert_eq!(age(Duration::hours(52)), "2 days 4 h");
        assert_eq!(age(Duration::hours(72)), "3 days");
    }

    #[test]
    fn times_read_to_the_minute() {
        use time::macros::datetime;
        assert_eq!(
            when(datetime!(2026-11-29 11:08:16.63 +01:00)),
            "2026-11-29 10:08 UTC"
        );
    }

    #[test]
    fn subjects_name_the_action_when_there_is_one() {
        assert_eq!(
            subject("write", "CRM", Some("update_contact"), "production"),
            "write · CRM › update_contact · production"
        );
        assert_eq!(
            subject("read", "Chat", None, "sandbox"),
            "read · Chat · sandbox"
        );
    }
}
