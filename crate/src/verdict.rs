//! The rulings the plugin asks for: is a challenge still usable, may a code be resent,
//! is an account locked. Times are unix milliseconds, always passed in.

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
/// Longest wait between two sends of a code, in seconds.
pub const MAX_RESEND_COOLDOWN_SECONDS: u32 = 600;
/// Default wait between two sends of a code, in seconds.
pub const DEFAULT_RESEND_COOLDOWN_SECONDS: u32 = 30;
/// Most resends per challenge.
pub const MAX_RESENDS: u32 = 10;
/// Default resends per challenge.
pub const DEFAULT_RESENDS: u32 = 3;
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
    /// [`Error::Policy`] above [`MAX_RESEND_COOLDOWN_SECONDS`] or [`MAX_RESENDS`].
    pub fn new(cooldown_seconds: u32, max_resends: u32) -> Result<Self> {
        if cooldown_seconds > MAX_RESEND_COOLDOWN_SECONDS || max_resends > MAX_RESENDS {
            return Err(Error::Policy);
        }
        Ok(Self {
            cooldown_seconds,
            max_resends,
        })
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
    /// [`Error::Policy`] for a threshold outside 1..=[`MAX_LOCKOUT_THRESHOLD`] or a
    /// duration outside [`MIN_LOCKOUT_SECONDS`]..=[`MAX_LOCKOUT_SECONDS`].
    pub fn new(threshold: u32, duration_seconds: u32) -> Result<Self> {
        let threshold_ok = (1..=MAX_LOCKOUT_THRESHOLD).contains(&threshold);
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

/// Rules on an account from its consecutive failures and the time of the last one.
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
    if failures < policy.threshold {
        return LockoutVerdict::Open;
    }
    let until = last_failure_at.saturating_add(seconds_to_ms(policy.duration_seconds));
    if now < until {
        LockoutVerdict::Locked { until }
    } else {
        LockoutVerdict::Open
    }
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

    proptest::proptest! {
        #[test]
        fn verdicts_never_panic(expires_at: u64, attempts: u32, max_attempts: u32, consumed: bool, now: u64, failures: u32, last: u64) {
            let s = ChallengeState { expires_at, attempts, max_attempts, consumed };
            let _ = challenge_verdict(&s, now);
            let _ = attempts_remaining(&s);
            let policy = LockoutPolicy::new(10, 900).unwrap();
            let _ = lockout_verdict(&policy, failures, last, now);
            let resend = ResendPolicy::new(30, 3).unwrap();
            let _ = resend_verdict(&resend, failures, last, now);
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
