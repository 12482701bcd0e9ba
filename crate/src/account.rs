//! The rulings on an account: is it locked after consecutive failures, may one more
//! message go out. Times are unix milliseconds, always passed in.
//!
//! Where several processes share one database, a ruling is only as good as the write
//! that acts on it. So the limits that a burst could overrun come with a guard: the
//! condition the database write must hold ([`lockout_take`]), or a new state to store
//! only if the stored one is still the one ruled on ([`rate_verdict`]).

use crate::challenge::seconds_to_ms;
use crate::guard::{Change, Field, Test, Write};
use crate::{Error, Result};
use alloc::{vec, vec::Vec};

/// Fewest consecutive failures before a lock.
pub const MIN_LOCKOUT_THRESHOLD: u32 = 1;
/// Most consecutive failures before a lock (NIST SP 800-63B §5.2.2: no more than 100).
pub const MAX_LOCKOUT_THRESHOLD: u32 = 100;
/// Default consecutive failures across challenges that lock an account.
pub const DEFAULT_LOCKOUT_THRESHOLD: u32 = 10;
/// Shortest lock, in seconds.
pub const MIN_LOCKOUT_SECONDS: u32 = 60;
/// Longest lock, in seconds (one day).
pub const MAX_LOCKOUT_SECONDS: u32 = 86_400;
/// Default lock, in seconds (15 minutes).
pub const DEFAULT_LOCKOUT_SECONDS: u32 = 900;
/// Fewest events a rate window may allow.
pub const MIN_RATE_CAP: u32 = 1;
/// Most events a rate window may allow (and so most times it stores).
pub const MAX_RATE_CAP: u32 = 100;
/// Shortest rate window, in seconds.
pub const MIN_RATE_WINDOW_SECONDS: u32 = 1;
/// Longest rate window, in seconds (one week).
pub const MAX_RATE_WINDOW_SECONDS: u32 = 604_800;
/// Default codes sent to one account in an hour, counted apart for SMS and e-mail,
/// over every send: sign-in challenges, resends, phone setup and step-up codes.
pub const DEFAULT_SENDS_PER_HOUR: u32 = 10;
/// Default codes sent to one phone number in an hour, whoever asked.
pub const DEFAULT_SENDS_PER_NUMBER_PER_HOUR: u32 = 5;
/// Default new phone numbers one account may try in a day.
pub const DEFAULT_NEW_NUMBERS_PER_DAY: u32 = 3;
/// The window of the per-account and per-number send caps, in seconds: an hour.
pub const SENDS_WINDOW_SECONDS: u32 = 3_600;
/// The window of the new-numbers cap, in seconds: a day.
pub const NEW_NUMBERS_WINDOW_SECONDS: u32 = 86_400;
/// How many times in a row a store may find a limit's row moved by another request
/// (a lost compare-and-set) before it refuses the event as if capped: a limit never lets
/// an unchecked event through, and a burst cannot keep a request spinning.
pub const MAX_RATE_TRIES: u32 = 25;
/// When a request refused that way may try again (milliseconds after it was refused).
pub const RATE_CONTENDED_RETRY_MS: u32 = 1_000;

/// When consecutive failures lock an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutPolicy {
    threshold: u32,
    duration_seconds: u32,
}

impl LockoutPolicy {
    /// # Errors
    /// [`Error::Policy`] for a threshold outside
    /// [`MIN_LOCKOUT_THRESHOLD`]..=[`MAX_LOCKOUT_THRESHOLD`] or a
    /// duration outside [`MIN_LOCKOUT_SECONDS`]..=[`MAX_LOCKOUT_SECONDS`].
    pub fn new(threshold: u32, duration_seconds: u32) -> Result<Self> {
        let threshold_ok = (MIN_LOCKOUT_THRESHOLD..=MAX_LOCKOUT_THRESHOLD).contains(&threshold);
        let duration_ok = (MIN_LOCKOUT_SECONDS..=MAX_LOCKOUT_SECONDS).contains(&duration_seconds);
        if !(threshold_ok && duration_ok) {
            return Err(Error::Policy);
        }
        Ok(Self {
            threshold,
            duration_seconds,
        })
    }
}

/// Whether an account may try a second factor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockoutVerdict {
    /// It may.
    Open,
    /// Not before `until` (unix milliseconds).
    Locked {
        /// When the lock ends.
        until: u64,
    },
}

/// The condition under which an account may spend one guess at `now`: the write that
/// counts the guess (failures + 1, last failure = now) must hold it, and a guess is
/// compared only if that write changed the row. So a burst over any number of
/// processes and challenges gets at most `threshold` guesses per lock.
///
/// These are the two bounds of the condition; [`lockout_take`] states it as the guard
/// of a [`Write`], and [`Write::admits`] alone decides it (so does [`lockout_verdict`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutGuard {
    /// The guess may be taken while the stored failures are below this.
    pub failures_below: u32,
    /// Or when the last failure was at or before this time (the lock has run out);
    /// `None` while no lock can have run out yet.
    pub last_failure_at_most: Option<u64>,
}

/// The guard a guess at `now` must pass; see [`LockoutGuard`].
#[must_use]
pub fn lockout_guard(policy: &LockoutPolicy, now: u64) -> LockoutGuard {
    LockoutGuard {
        failures_below: policy.threshold,
        last_failure_at_most: now.checked_sub(seconds_to_ms(policy.duration_seconds)),
    }
}

/// The write that spends one guess at `now` (see [`LockoutGuard`]): one more failure,
/// counted in the statement, and only while the guard holds. A right code gives it back
/// with [`failures_reset`].
#[must_use]
pub fn lockout_take(policy: &LockoutPolicy, now: u64) -> Write {
    let guard = lockout_guard(policy, now);
    let mut open = vec![(
        Field::Failures,
        Test::Below(u64::from(guard.failures_below)),
    )];
    if let Some(most) = guard.last_failure_at_most {
        open.push((Field::LastFailureAt, Test::IsNull));
        open.push((Field::LastFailureAt, Test::AtMost(most)));
    }
    Write::new()
        .when_any(&open)
        .change(Field::Failures, Change::Add(1))
        .change(Field::LastFailureAt, Change::Set(now))
}

/// A right code, or an admin's unlock, ends the run of failures.
#[must_use]
pub fn failures_reset() -> Write {
    Write::new()
        .change(Field::Failures, Change::Set(0))
        .change(Field::LastFailureAt, Change::Clear)
}

/// Rules on an account from its consecutive failures and the time of the last one:
/// locked exactly when the guard of [`lockout_take`] refuses the stored row.
///
/// The count is not reset when a lock ends, only by a correct code (or an admin): each
/// further failure past the threshold locks again at once. An attacker therefore gets
/// `threshold` guesses, then one per lock period, far below NIST's 100 in total.
#[must_use]
pub fn lockout_verdict(
    policy: &LockoutPolicy,
    failures: u32,
    last_failure_at: u64,
    now: u64,
) -> LockoutVerdict {
    let stored = |field| match field {
        Field::Failures => Some(u64::from(failures)),
        Field::LastFailureAt => Some(last_failure_at),
        _ => None,
    };
    if lockout_take(policy, now).admits(stored) {
        LockoutVerdict::Open
    } else {
        LockoutVerdict::Locked {
            until: last_failure_at.saturating_add(seconds_to_ms(policy.duration_seconds)),
        }
    }
}

/// At most `cap` events in any `window_seconds`: the delivery caps, the cooldown of
/// phone and step-up codes (a cap of one), the admin's test message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RatePolicy {
    cap: u32,
    window_seconds: u32,
}

impl RatePolicy {
    /// # Errors
    /// [`Error::Policy`] for a cap outside [`MIN_RATE_CAP`]..=[`MAX_RATE_CAP`] or a
    /// window outside [`MIN_RATE_WINDOW_SECONDS`]..=[`MAX_RATE_WINDOW_SECONDS`].
    pub fn new(cap: u32, window_seconds: u32) -> Result<Self> {
        let cap_ok = (MIN_RATE_CAP..=MAX_RATE_CAP).contains(&cap);
        let window_ok =
            (MIN_RATE_WINDOW_SECONDS..=MAX_RATE_WINDOW_SECONDS).contains(&window_seconds);
        if !(cap_ok && window_ok) {
            return Err(Error::Policy);
        }
        Ok(Self {
            cap,
            window_seconds,
        })
    }
}

/// May one more event happen?
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RateVerdict {
    /// Yes: store these times (ascending, at most `cap`, `now` last) in place of the
    /// ones ruled on, and only if those are still what is stored.
    Allowed {
        /// The times to store.
        times: Vec<u64>,
    },
    /// Not before `retry_at` (unix milliseconds).
    Capped {
        /// When the oldest event that counts leaves the window.
        retry_at: u64,
    },
}

/// Rules on one more event at `now`, given the times of the earlier ones (any order).
/// The window is exact (sliding, not fixed hours): no `window_seconds` ever holds more
/// than `cap` events.
///
/// # Errors
/// [`Error::Policy`] for more than [`MAX_RATE_CAP`] stored times.
pub fn rate_verdict(policy: &RatePolicy, times: &[u64], now: u64) -> Result<RateVerdict> {
    if times.len() > MAX_RATE_CAP as usize {
        return Err(Error::Policy);
    }
    let window = seconds_to_ms(policy.window_seconds);
    // A time in the future (another process's clock runs ahead) still counts. Kept in
    // order as they are taken: at most MAX_RATE_CAP times, so an insertion costs nothing
    // and weighs far less in the wasm than a general sort.
    let mut recent: Vec<u64> = Vec::with_capacity(times.len().saturating_add(1));
    for &at in times {
        if at.saturating_add(window) > now {
            recent.insert(recent.partition_point(|&earlier| earlier <= at), at);
        }
    }
    let cap = policy.cap as usize;
    if recent.len() >= cap {
        // The event that must leave for one more to fit: the (len - cap + 1)-th oldest.
        let leaving = recent.len().saturating_sub(cap);
        let oldest = recent.get(leaving).copied().unwrap_or(now);
        return Ok(RateVerdict::Capped {
            retry_at: oldest.saturating_add(window),
        });
    }
    recent.push(now);
    Ok(RateVerdict::Allowed { times: recent })
}

/// The times to store once the event that took its place at `at` is given back (it did
/// not happen: a send that failed): one event at `at` fewer. None when no event at `at`
/// is stored any more (its place already left the window, or was given back).
#[must_use]
pub fn rate_release(times: &[u64], at: u64) -> Option<Vec<u64>> {
    let given = times.iter().rposition(|&stored| stored == at)?;
    let mut kept = times.to_vec();
    kept.remove(given);
    Some(kept)
}

/// When the last of `times` leaves a window of `window_seconds`: a stored limit may be
/// forgotten after that, since nothing it holds still counts. None for no times.
#[must_use]
pub fn rate_kept_until(times: &[u64], window_seconds: u32) -> Option<u64> {
    times
        .iter()
        .max()
        .map(|&last| last.saturating_add(seconds_to_ms(window_seconds)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    #[test]
    fn lockout_locks_at_the_threshold_and_relocks_on_each_further_failure() {
        let policy = LockoutPolicy::new(10, 900).unwrap();
        assert_eq!(lockout_verdict(&policy, 9, NOW, NOW), LockoutVerdict::Open);
        assert_eq!(
            lockout_verdict(&policy, 10, NOW, NOW),
            LockoutVerdict::Locked {
                until: NOW + 900_000
            }
        );
        assert_eq!(
            lockout_verdict(&policy, 10, NOW, NOW + 900_000),
            LockoutVerdict::Open
        );
        let later = NOW + 1_000_000;
        assert_eq!(
            lockout_verdict(&policy, 11, later, later),
            LockoutVerdict::Locked {
                until: later + 900_000
            }
        );
        assert_eq!(LockoutPolicy::new(0, 900), Err(Error::Policy));
        assert_eq!(LockoutPolicy::new(101, 900), Err(Error::Policy));
        assert_eq!(LockoutPolicy::new(10, 59), Err(Error::Policy));
    }

    #[test]
    fn a_guess_is_admitted_exactly_when_the_account_is_open() {
        let policy = LockoutPolicy::new(10, 900).unwrap();
        let guard = lockout_guard(&policy, NOW);
        assert_eq!(guard.failures_below, 10);
        assert_eq!(guard.last_failure_at_most, Some(NOW - 900_000));
        let open = |failures, last, now| {
            lockout_verdict(&policy, failures, last, now) == LockoutVerdict::Open
        };
        assert!(open(9, NOW, NOW));
        assert!(!open(10, NOW, NOW));
        assert!(!open(10, NOW - 899_999, NOW));
        assert!(open(10, NOW - 900_000, NOW));
        assert_eq!(lockout_guard(&policy, 5).last_failure_at_most, None);
        assert!(!open(10, 0, 5));
    }

    #[test]
    fn the_guess_write_holds_the_guard() {
        let policy = LockoutPolicy::new(10, 900).unwrap();
        let write = lockout_take(&policy, NOW);
        for failures in 8u32..12 {
            for last in [NOW - 900_001, NOW - 900_000, NOW - 1, NOW] {
                let row = |field| match field {
                    Field::Failures => Some(u64::from(failures)),
                    Field::LastFailureAt => Some(last),
                    _ => None,
                };
                // The guard, as stated: failures below the threshold, or the lock run out.
                assert_eq!(write.admits(row), failures < 10 || last <= NOW - 900_000);
            }
        }
        // A row that never failed is open, whatever the clock.
        assert!(write.admits(|field| (field == Field::Failures).then_some(0)));
        // Early in the clock's life no lock can have run out: only the count decides.
        assert_eq!(
            lockout_take(&policy, 5).guard,
            vec![vec![(Field::Failures, Test::Below(10))]]
        );
    }

    #[test]
    fn rate_window_is_exact_and_sliding() {
        let policy = RatePolicy::new(3, 60).unwrap();
        let mut times = Vec::new();
        for i in 0..3 {
            match rate_verdict(&policy, &times, NOW + i).unwrap() {
                RateVerdict::Allowed { times: next } => times = next,
                capped => panic!("{capped:?}"),
            }
        }
        assert_eq!(times, vec![NOW, NOW + 1, NOW + 2]);
        assert_eq!(
            rate_verdict(&policy, &times, NOW + 59_999).unwrap(),
            RateVerdict::Capped {
                retry_at: NOW + 60_000
            }
        );
        // The oldest leaves: exactly one more fits, and the stored list stays at the cap.
        assert_eq!(
            rate_verdict(&policy, &times, NOW + 60_000).unwrap(),
            RateVerdict::Allowed {
                times: vec![NOW + 1, NOW + 2, NOW + 60_000]
            }
        );
        // A list longer than the cap (the cap was lowered) waits for enough to leave.
        let one = RatePolicy::new(1, 60).unwrap();
        assert_eq!(
            rate_verdict(&one, &[NOW + 2, NOW, NOW + 1], NOW + 3).unwrap(),
            RateVerdict::Capped {
                retry_at: NOW + 60_002
            }
        );
        assert_eq!(rate_kept_until(&[NOW + 2, NOW], 60), Some(NOW + 60_002));
        assert_eq!(rate_kept_until(&[], 60), None);
        assert_eq!(RatePolicy::new(0, 60), Err(Error::Policy));
        assert_eq!(RatePolicy::new(101, 60), Err(Error::Policy));
        assert_eq!(RatePolicy::new(1, 0), Err(Error::Policy));
        assert_eq!(RatePolicy::new(1, 604_801), Err(Error::Policy));
        assert_eq!(rate_verdict(&one, &[0; 101], NOW), Err(Error::Policy));
    }

    proptest::proptest! {
        #[test]
        fn no_window_ever_holds_more_than_the_cap(cap in 1u32..6, gaps in proptest::collection::vec(0u64..40_000, 1..60)) {
            let policy = RatePolicy::new(cap, 60).unwrap();
            let mut stored: Vec<u64> = Vec::new();
            let mut allowed: Vec<u64> = Vec::new();
            let mut now = NOW;
            for gap in gaps {
                now += gap;
                if let RateVerdict::Allowed { times } = rate_verdict(&policy, &stored, now).unwrap() {
                    proptest::prop_assert!(times.len() <= cap as usize);
                    stored = times;
                    allowed.push(now);
                }
            }
            for (i, &start) in allowed.iter().enumerate() {
                let within = allowed[i..].iter().take_while(|&&at| at < start + 60_000).count();
                proptest::prop_assert!(within <= cap as usize);
            }
        }

        #[test]
        fn verdicts_never_panic(expires_at: u64, now: u64, failures: u32, last: u64) {
            let policy = LockoutPolicy::new(10, 900).unwrap();
            let _ = lockout_verdict(&policy, failures, last, now);
            let rate = RatePolicy::new(3, 60).unwrap();
            let _ = rate_verdict(&rate, &[expires_at, last, u64::MAX], now);
        }
    }
}
