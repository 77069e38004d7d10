//! Failed sign-ins are counted per account and per client address, and checked before any
//! password hash is computed, so guessing is slow and hashing cannot be used to load the
//! server. The account key is the submitted email whether or not it exists, so the
//! throttle says nothing about which accounts exist.
//!
//! Kept in memory: a restart forgets the counts, which is acceptable for a throttle (it
//! only ever errs towards letting a person in again). Replicas each count on their own.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct ThrottleRules {
    pub window: Duration,
    pub per_account: usize,
    pub per_ip: usize,
    /// Bounds memory when someone sprays random emails.
    pub max_keys: usize,
}

impl Default for ThrottleRules {
    fn default() -> Self {
        Self {
            window: Duration::from_secs(15 * 60),
            per_account: 10,
            per_ip: 50,
            max_keys: 100_000,
        }
    }
}

#[derive(Debug)]
struct Failures<K> {
    by_key: HashMap<K, VecDeque<Instant>>,
}

impl<K> Default for Failures<K> {
    fn default() -> Self {
        Self {
            by_key: HashMap::new(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> Failures<K> {
    /// How long until this key may try again, if it is over the limit.
    fn blocked_for(
        &mut self,
        key: &K,
        limit: usize,
        rules: &ThrottleRules,
        now: Instant,
    ) -> Option<Duration> {
        let times = self.by_key.get_mut(key)?;
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= rules.window)
        {
            times.pop_front();
        }
        if times.len() < limit {
            return None;
        }
        // The oldest counted failure must leave the window before another try: each
        // further failure pushes the next chance back (a natural back-off).
        let oldest = times.get(times.len() - limit).copied()?;
        Some(
            (oldest + rules.window)
                .saturating_duration_since(now)
                .max(Duration::from_secs(1)),
        )
    }

    fn record(&mut self, key: K, rules: &ThrottleRules, now: Instant) {
        if !self.by_key.contains_key(&key) && self.by_key.len() >= rules.max_keys {
            self.by_key.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.duration_since(*t) < rules.window)
            });
            if self.by_key.len() >= rules.max_keys {
                return;
            }
        }
        let times = self.by_key.entry(key).or_default();
        times.push_back(now);
        // Never keep more than is needed to decide.
        while times.len() > rules.per_ip.max(rules.per_account) {
            times.pop_front();
        }
    }
}

#[derive(Debug, Default)]
struct State {
    accounts: Failures<String>,
    ips: Failures<IpAddr>,
}

#[derive(Debug, Default)]
pub struct LoginThrottle {
    rules: ThrottleRules,
    state: Mutex<State>,
}

impl LoginThrottle {
    pub fn new(rules: ThrottleRules) -> Self {
        Self {
            rules,
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves plain counters: still usable.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `Err(wait)` when either the account or the address must wait.
    pub fn check(&self, account: &str, ip: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let rules = self.rules;
        let mut state = self.state();
        let by_account =
            state
                .accounts
                .blocked_for(&account.to_string(), rules.per_account, &rules, now);
        let by_ip = ip.and_then(|ip| state.ips.blocked_for(&ip, rules.per_ip, &rules, now));
        match by_account.max(by_ip) {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn record_failure(&self, account: &str, ip: Option<IpAddr>, now: Instant) {
        let rules = self.rules;
        let mut state = self.state();
        state.accounts.record(account.to_string(), &rules, now);
        if let Some(ip) = ip {
            state.ips.record(ip, &rules, now);
        }
    }

    /// A correct password clears the account's count (not the address's).
    pub fn record_success(&self, account: &str) {
        self.state().accounts.by_key.remove(account);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn blocks_an_account_after_ten_failures_until_the_window_passes() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for i in 0..10 {
            assert_eq!(throttle.check("a@x.io", ip(i), t0), Ok(()));
            throttle.record_failure("a@x.io", ip(i), t0);
        }
        let wait = throttle.check("a@x.io", ip(99), t0 + Duration::from_secs(60));
        assert_eq!(wait, Err(Duration::from_secs(14 * 60)));
        // Another account from another address is not affected.
        assert_eq!(throttle.check("b@x.io", ip(98), t0), Ok(()));
        assert_eq!(
            throttle.check("a@x.io", ip(99), t0 + Duration::from_secs(15 * 60)),
            Ok(())
        );
    }

    #[test]
    fn blocks_an_address_that_sprays_many_accounts() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for i in 0..50 {
            throttle.record_failure(&format!("user{i}@x.io"), ip(1), t0);
        }
        assert!(throttle.check("fresh@x.io", ip(1), t0).is_err());
        assert_eq!(throttle.check("fresh@x.io", ip(2), t0), Ok(()));
    }

    #[test]
    fn success_clears_the_account_count() {
        let throttle = LoginThrottle::default();
        let t0 = Instant::now();
        for _ in 0..9 {
            throttle.record_failure("a@x.io", ip(1), t0);
        }
        throttle.record_success("a@x.io");
        throttle.record_failure("a@x.io", ip(1), t0);
        assert_eq!(throttle.check("a@x.io", ip(1), t0), Ok(()));
    }

    #[test]
    fn memory_stays_bounded_under_a_spray_of_new_keys() {
        let throttle = LoginThrottle::new(ThrottleRules {
            max_keys: 100,
            ..Default::default()
        });
        let t0 = Instant::now();
        for i in 0..1000 {
            throttle.record_failure(&format!("u{i}@x.io"), None, t0);
        }
        assert!(throttle.state().accounts.by_key.len() <= 100);
    }
}
