//! The rulings the plugin asks for: is a challenge still usable, may a code be resent,
//! is an account locked, may one more message go out. Times are unix milliseconds,
//! always passed in.
//!
//! Where several processes share one database, a ruling is only as good as the write
//! that acts on it. So the limits that a burst could overrun come with a guard: the
//! condition the database write must hold ([`lockout_guard`]), or a new state to store
//! only if the stored one is still the one ruled on ([`rate_verdict`]).

use crate::guard::{Change, Field, Test, Write};
use crate::{Error, Result};

/// Longest life of an SMS or e-mail code, in seconds (NIST SP 800-63B §5.1.3: 10 minutes).
pub const MAX_CODE_TTL_SECONDS: u32 = 600;
/// Shortest life of a code, in seconds: less would not survive a slow SMS.
pub const MIN_CODE_TTL_SECONDS: u32 = 30;
/// Default life of a code, in seconds.
pub const DEFAULT_CODE_TTL_SECONDS: u32 = 300;
/// Fewest wrong guesses a challenge may allow.
pub const MIN_ATTEMPTS: u32 = 1;
/// Most wrong guesses a challenge may allow.
pub const MAX_ATTEMPTS: u32 = 10;
/// Default guesses per challenge (NIST SP 800-63B §5.2.2 suggests about 5).
pub const DEFAULT_ATTEMPTS: u32 = 5;
/// Shortest wait between two sends of a code, in seconds: none.
pub const MIN_RESEND_COOLDOWN_SECONDS: u32 = 0;
/// Longest wait between two sends of a code, in seconds.
pub const MAX_RESEND_COOLDOWN_SECONDS: u32 = 600;
/// Default wait between two sends of a code, in seconds.
pub const DEFAULT_RESEND_COOLDOWN_SECONDS: u32 = 30;
/// Fewest resends per challenge: none.
pub const MIN_RESENDS: u32 = 0;
/// Most resends per challenge.
pub const MAX_RESENDS: u32 = 10;
/// Default resends per challenge.
pub const DEFAULT_RESENDS: u32 = 3;
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
/// Most trusted devices per user; remembering one more forgets the oldest.
pub const MAX_TRUSTED_DEVICES: u32 = 10;
/// Most open sign-in challenges per user; a new one ends the oldest.
pub const MAX_OPEN_CHALLENGES: u32 = 10;

/// What a challenge row says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChallengeState {
    /// When the current code stops working, unix milliseconds.
    pub expires_at: u64,
    /// Wrong guesses so far.
    pub attempts: u32,
    /// Wrong guesses allowed.
    pub max_attempts: u32,
    /// Whether a correct code has already been accepted.
    pub consumed: bool,
}

/// The state of a challenge at a given time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChallengeVerdict {
    /// A code may still be tried.
    Active,
    /// The code's lifetime is over.
    Expired,
    /// Every allowed guess has been used.
    Exhausted,
    /// A correct code was already accepted: single use.
    Consumed,
}

impl ChallengeVerdict {
    /// `active`, `expired`, `exhausted` or `consumed`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            ChallengeVerdict::Active => "active",
            ChallengeVerdict::Expired => "expired",
            ChallengeVerdict::Exhausted => "exhausted",
            ChallengeVerdict::Consumed => "consumed",
        }
    }
}

/// Rules on a challenge. A dead challenge stays dead: consumed wins over exhausted,
/// which wins over expired, so the reason reported never flips back.
#[must_use]
pub fn challenge_verdict(state: &ChallengeState, now: u64) -> ChallengeVerdict {
    if state.consumed {
        ChallengeVerdict::Consumed
    } else if state.attempts >= state.max_attempts {
        ChallengeVerdict::Exhausted
    } else if now >= state.expires_at {
        ChallengeVerdict::Expired
    } else {
        ChallengeVerdict::Active
    }
}

/// Guesses left on a challenge.
#[must_use]
pub fn attempts_remaining(state: &ChallengeState) -> u32 {
    state.max_attempts.saturating_sub(state.attempts)
}

/// When a code issued at `now` expires.
///
/// # Errors
/// [`Error::Policy`] for a lifetime outside
/// [`MIN_CODE_TTL_SECONDS`]..=[`MAX_CODE_TTL_SECONDS`]; [`Error::Time`] on overflow.
pub fn code_expires_at(now: u64, ttl_seconds: u32) -> Result<u64> {
    if !(MIN_CODE_TTL_SECONDS..=MAX_CODE_TTL_SECONDS).contains(&ttl_seconds) {
        return Err(Error::Policy);
    }
    now.checked_add(seconds_to_ms(ttl_seconds))
        .ok_or(Error::Time)
}

/// How often a challenge's code may be sent again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResendPolicy {
    cooldown_seconds: u32,
    max_resends: u32,
}

impl ResendPolicy {
    /// # Errors
    /// [`Error::Policy`] for a cooldown outside
    /// [`MIN_RESEND_COOLDOWN_SECONDS`]..=[`MAX_RESEND_COOLDOWN_SECONDS`] or resends outside
    /// [`MIN_RESENDS`]..=[`MAX_RESENDS`].
    pub fn new(cooldown_seconds: u32, max_resends: u32) -> Result<Self> {
        let cooldown_ok =
            (MIN_RESEND_COOLDOWN_SECONDS..=MAX_RESEND_COOLDOWN_SECONDS).contains(&cooldown_seconds);
        if !(cooldown_ok && (MIN_RESENDS..=MAX_RESENDS).contains(&max_resends)) {
            return Err(Error::Policy);
        }
        Ok(Self {
            cooldown_seconds,
            max_resends,
        })
    }

    /// The cooldown, in milliseconds.
    #[must_use]
    pub fn cooldown_ms(&self) -> u64 {
        seconds_to_ms(self.cooldown_seconds)
    }
}

/// May a new code be sent?
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResendVerdict {
    /// Yes.
    Allowed,
    /// Not before `until` (unix milliseconds).
    CoolingDown {
        /// When the cooldown ends.
        until: u64,
    },
    /// Never again on this challenge.
    CapReached,
}

/// Rules on a resend, given how many were already made and when the last code was sent.
#[must_use]
pub fn resend_verdict(
    policy: &ResendPolicy,
    resends: u32,
    last_sent_at: u64,
    now: u64,
) -> ResendVerdict {
    if resends >= policy.max_resends {
        return ResendVerdict::CapReached;
    }
    let until = last_sent_at.saturating_add(seconds_to_ms(policy.cooldown_seconds));
    if now < until {
        ResendVerdict::CoolingDown { until }
    } else {
        ResendVerdict::Allowed
    }
}

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LockoutGuard {
    /// The guess may be taken while the stored failures are below this.
    pub failures_below: u32,
    /// Or when the last failure was at or before this time (the lock has run out);
    /// `None` while no lock can have run out yet.
    pub last_failure_at_most: Option<u64>,
}

impl LockoutGuard {
    /// Whether a stored state satisfies the guard.
    #[must_use]
    pub fn admits(&self, failures: u32, last_failure_at: u64) -> bool {
        failures < self.failures_below
            || self
                .last_failure_at_most
                .is_some_and(|most| last_failure_at <= most)
    }
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
/// locked exactly when [`lockout_guard`] would refuse a guess.
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
    if lockout_guard(policy, now).admits(failures, last_failure_at) {
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
    // A time in the future (another process's clock runs ahead) still counts.
    let mut recent: Vec<u64> = times
        .iter()
        .copied()
        .filter(|&at| at.saturating_add(window) > now)
        .collect();
    recent.sort_unstable();
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

/// When the last of `times` leaves a window of `window_seconds`: a stored limit may be
/// forgotten after that, since nothing it holds still counts. None for no times.
#[must_use]
pub fn rate_kept_until(times: &[u64], window_seconds: u32) -> Option<u64> {
    times
        .iter()
        .max()
        .map(|&last| last.saturating_add(seconds_to_ms(window_seconds)))
}

fn seconds_to_ms(seconds: u32) -> u64 {
    u64::from(seconds).saturating_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn state(expires_at: u64, attempts: u32, consumed: bool) -> ChallengeState {
        ChallengeState {
            expires_at,
            attempts,
            max_attempts: 5,
            consumed,
        }
    }

    #[test]
    fn challenge_verdicts() {
        assert_eq!(
            challenge_verdict(&state(NOW + 1, 0, false), NOW),
            ChallengeVerdict::Active
        );
        assert_eq!(
            challenge_verdict(&state(NOW + 1, 4, false), NOW),
            ChallengeVerdict::Active
        );
        assert_eq!(
            challenge_verdict(&state(NOW, 0, false), NOW),
            ChallengeVerdict::Expired
        );
        assert_eq!(
            challenge_verdict(&state(NOW + 1, 5, false), NOW),
            ChallengeVerdict::Exhausted
        );
        assert_eq!(
            challenge_verdict(&state(NOW - 1, 5, false), NOW),
            ChallengeVerdict::Exhausted
        );
        assert_eq!(
            challenge_verdict(&state(NOW - 1, 5, true), NOW),
            ChallengeVerdict::Consumed
        );
        assert_eq!(attempts_remaining(&state(NOW, 3, false)), 2);
        assert_eq!(attempts_remaining(&state(NOW, 9, false)), 0);
    }

    #[test]
    fn expiry_is_capped_at_ten_minutes() {
        assert_eq!(code_expires_at(NOW, 300), Ok(NOW + 300_000));
        assert_eq!(code_expires_at(NOW, 601), Err(Error::Policy));
        assert_eq!(code_expires_at(NOW, 29), Err(Error::Policy));
        assert_eq!(code_expires_at(u64::MAX, 300), Err(Error::Time));
    }

    #[test]
    fn resend_cooldown_and_cap() {
        let policy = ResendPolicy::new(30, 3).unwrap();
        assert_eq!(
            resend_verdict(&policy, 0, NOW, NOW + 29_999),
            ResendVerdict::CoolingDown {
                until: NOW + 30_000
            }
        );
        assert_eq!(
            resend_verdict(&policy, 0, NOW, NOW + 30_000),
            ResendVerdict::Allowed
        );
        assert_eq!(
            resend_verdict(&policy, 3, NOW, NOW + 90_000),
            ResendVerdict::CapReached
        );
        assert_eq!(ResendPolicy::new(601, 3), Err(Error::Policy));
        assert_eq!(ResendPolicy::new(30, 11), Err(Error::Policy));
    }

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
        assert!(guard.admits(9, NOW));
        assert!(!guard.admits(10, NOW));
        assert!(!guard.admits(10, NOW - 899_999));
        assert!(guard.admits(10, NOW - 900_000));
        assert_eq!(lockout_guard(&policy, 5).last_failure_at_most, None);
        assert!(!lockout_guard(&policy, 5).admits(10, 0));
    }

    #[test]
    fn the_guess_write_holds_the_guard() {
        let policy = LockoutPolicy::new(10, 900).unwrap();
        let guard = lockout_guard(&policy, NOW);
        let write = lockout_take(&policy, NOW);
        for failures in 8..12 {
            for last in [NOW - 900_001, NOW - 900_000, NOW - 1, NOW] {
                let row = |field| match field {
                    Field::Failures => Some(u64::from(failures)),
                    Field::LastFailureAt => Some(last),
                    _ => None,
                };
                assert_eq!(write.admits(row), guard.admits(failures, last));
            }
        }
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
        fn verdicts_never_panic(expires_at: u64, attempts: u32, max_attempts: u32, consumed: bool, now: u64, failures: u32, last: u64) {
            let s = ChallengeState { expires_at, attempts, max_attempts, consumed };
            let _ = challenge_verdict(&s, now);
            let _ = attempts_remaining(&s);
            let policy = LockoutPolicy::new(10, 900).unwrap();
            let _ = lockout_verdict(&policy, failures, last, now);
            let resend = ResendPolicy::new(30, 3).unwrap();
            let _ = resend_verdict(&resend, failures, last, now);
            let rate = RatePolicy::new(3, 60).unwrap();
            let _ = rate_verdict(&rate, &[expires_at, last, u64::MAX], now);
        }

        #[test]
        fn a_dead_challenge_never_becomes_active_later(expires_at: u64, attempts in 0u32..20, consumed: bool, now: u64, later in 0u64..1_000_000) {
            let s = ChallengeState { expires_at, attempts, max_attempts: 5, consumed };
            if challenge_verdict(&s, now) != ChallengeVerdict::Active {
                proptest::prop_assert_ne!(challenge_verdict(&s, now.saturating_add(later)), ChallengeVerdict::Active);
            }
        }
    }
}
