//! The life of a challenge: the row a sign-in, an enrolment or a step-up keeps while a
//! code is outstanding.
//!
//! A challenge is opened with a code and a lifetime. Each guess first spends an attempt
//! ([`Challenge::attempt`]); a right code consumes it, once ([`Challenge::consume`]); a
//! resend replaces its code under a cooldown and a cap ([`Challenge::resend`]); once
//! expired, exhausted or consumed it never becomes usable again. Every state change is a
//! ruling on the stored state at `now` (unix ms) that answers a [`Write`]: what to store,
//! and the condition the stored row must still meet for the ruling to stand.

use crate::guard::{Change, Field, Test, Write};
use crate::{Error, Result};
use alloc::vec;

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
/// Most open sign-in challenges per user; a new one ends the oldest.
pub const MAX_OPEN_CHALLENGES: u32 = 10;

/// How long an ended challenge is kept, in milliseconds, so that a late verify still
/// hears why it ended (an hour), before it is purged.
pub const ENDED_CHALLENGE_KEPT_MS: u64 = 3_600_000;

/// Challenges that expired before this time may be deleted.
#[must_use]
pub fn purge_before(now: u64) -> u64 {
    now.saturating_sub(ENDED_CHALLENGE_KEPT_MS)
}

/// Whole minutes left before `expires_at`, as a message tells the user ("expires in 5
/// minutes"): rounded, and at least one.
#[must_use]
pub fn minutes_left(expires_at: u64, now: u64) -> u64 {
    let left = expires_at.saturating_sub(now);
    (left.saturating_add(30_000) / 60_000).max(1)
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

pub(crate) fn seconds_to_ms(seconds: u32) -> u64 {
    u64::from(seconds).saturating_mul(1000)
}

/// The code a challenge is opened with: its lifetime and the guesses it allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeRules {
    ttl_seconds: u32,
    max_attempts: u32,
}

impl CodeRules {
    /// # Errors
    /// [`Error::Policy`] for a lifetime outside
    /// [`MIN_CODE_TTL_SECONDS`]..=[`MAX_CODE_TTL_SECONDS`] or attempts outside
    /// [`MIN_ATTEMPTS`]..=[`MAX_ATTEMPTS`].
    pub fn new(ttl_seconds: u32, max_attempts: u32) -> Result<Self> {
        if !(MIN_ATTEMPTS..=MAX_ATTEMPTS).contains(&max_attempts) {
            return Err(Error::Policy);
        }
        // Checks the lifetime once, here, rather than at every later expiry.
        code_expires_at(0, ttl_seconds)?;
        Ok(Self {
            ttl_seconds,
            max_attempts,
        })
    }
}

/// How often a challenge's code may be sent again: a cooldown between two sends, and a
/// cap on resends.
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

    /// Whether one more code may go out after `resends` resends, the last code sent at
    /// `last_sent_at`: the cap first, then the cooldown.
    ///
    /// # Errors
    /// [`ResendRefusal::CapReached`] or [`ResendRefusal::CoolingDown`] (never
    /// [`ResendRefusal::Closed`]: this reads no challenge).
    pub fn allows(
        &self,
        resends: u32,
        last_sent_at: u64,
        now: u64,
    ) -> core::result::Result<(), ResendRefusal> {
        if resends >= self.max_resends {
            return Err(ResendRefusal::CapReached);
        }
        let until = last_sent_at.saturating_add(seconds_to_ms(self.cooldown_seconds));
        if now < until {
            Err(ResendRefusal::CoolingDown { until })
        } else {
            Ok(())
        }
    }
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
    /// Every verdict, in a stable order (used to cross the wasm boundary).
    pub const ALL: &'static [ChallengeVerdict] = &[
        ChallengeVerdict::Active,
        ChallengeVerdict::Expired,
        ChallengeVerdict::Exhausted,
        ChallengeVerdict::Consumed,
    ];

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

/// What a challenge row holds of its state. Times are unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Challenge {
    /// When the current code stops working.
    pub expires_at: u64,
    /// Wrong guesses so far.
    pub attempts: u32,
    /// Guesses allowed.
    pub max_attempts: u32,
    /// When a right code was accepted.
    pub consumed_at: Option<u64>,
    /// When an enrolment challenge was verified (it then authorises enrolment only).
    pub verified_at: Option<u64>,
    /// Codes sent again.
    pub resends: u32,
    /// When the current code was sent; None for an authenticator-app challenge, or
    /// after a send failed (no cooldown runs then).
    pub last_sent_at: Option<u64>,
}

/// Why a resend is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResendRefusal {
    /// The challenge is no longer active.
    Closed(ChallengeVerdict),
    /// Not before `until` (unix ms).
    CoolingDown {
        /// When the cooldown ends.
        until: u64,
    },
    /// No more codes on this challenge.
    CapReached,
}

/// A resend that may go ahead: the write that replaces the code, and when the new code
/// expires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resend {
    /// The conditional write; the shell adds the new code's hash to it.
    pub write: Write,
    /// When the new code expires.
    pub expires_at: u64,
}

impl Challenge {
    /// A new challenge at `now`; `sent` when its code goes out by SMS or e-mail (its
    /// cooldown then runs from now; a failed send lifts it with [`Challenge::unsent`]).
    ///
    /// # Errors
    /// [`Error::Time`] when the expiry overflows.
    pub fn open(rules: &CodeRules, now: u64, sent: bool) -> Result<Self> {
        Ok(Self {
            expires_at: code_expires_at(now, rules.ttl_seconds)?,
            attempts: 0,
            max_attempts: rules.max_attempts,
            consumed_at: None,
            verified_at: None,
            resends: 0,
            last_sent_at: sent.then_some(now),
        })
    }

    /// Where the challenge stands at `now`. A dead challenge stays dead: consumed wins
    /// over exhausted, which wins over expired, so the reason reported never flips back.
    #[must_use]
    pub fn verdict(&self, now: u64) -> ChallengeVerdict {
        if self.consumed_at.is_some() {
            ChallengeVerdict::Consumed
        } else if self.attempts >= self.max_attempts {
            ChallengeVerdict::Exhausted
        } else if now >= self.expires_at {
            ChallengeVerdict::Expired
        } else {
            ChallengeVerdict::Active
        }
    }

    /// The condition of an active challenge at `now`, as stored: not consumed, not
    /// expired, attempts left.
    fn active(&self, now: u64) -> Write {
        Write::new()
            .when(Field::ConsumedAt, Test::IsNull)
            .when(Field::ExpiresAt, Test::Above(now))
            .when(Field::Attempts, Test::Below(u64::from(self.max_attempts)))
    }

    /// Spends one attempt before a code is compared, so a burst of guesses can never
    /// pass the maximum: the write counts the attempt only while the challenge is still
    /// active.
    ///
    /// # Errors
    /// The verdict, when the challenge is not active.
    pub fn attempt(&self, now: u64) -> core::result::Result<Write, ChallengeVerdict> {
        match self.verdict(now) {
            ChallengeVerdict::Active => {
                Ok(self.active(now).change(Field::Attempts, Change::Add(1)))
            }
            closed => Err(closed),
        }
    }

    /// Accepts a right code: single use, so of any number of concurrent right codes one
    /// write wins. What the code was sent to is forgotten. An enrolment challenge is
    /// marked verified: from then on it authorises enrolment only.
    ///
    /// # Errors
    /// [`ChallengeVerdict::Consumed`] when a right code was already accepted.
    pub fn consume(
        &self,
        now: u64,
        enrolment: bool,
    ) -> core::result::Result<Write, ChallengeVerdict> {
        if self.consumed_at.is_some() {
            return Err(ChallengeVerdict::Consumed);
        }
        let write = Write::new()
            .when(Field::ConsumedAt, Test::IsNull)
            .change(Field::ConsumedAt, Change::Set(now))
            .change(Field::Destination, Change::Clear);
        Ok(if enrolment {
            write.change(Field::VerifiedAt, Change::Set(now))
        } else {
            write
        })
    }

    /// Gives back the consumption a caller just made, when the answer to its right code
    /// could not be built (a right code is never burnt by a 500). A verified enrolment
    /// is never given back.
    #[must_use]
    pub fn release(&self) -> Write {
        Write::new()
            .when(Field::ConsumedAt, Test::NotNull)
            .when(Field::VerifiedAt, Test::IsNull)
            .change(Field::ConsumedAt, Change::Clear)
    }

    /// Replaces the code, as one resend: only while active, below the cap, and after the
    /// cooldown ([`ResendPolicy::allows`]); the new code lives as `rules` say. The write
    /// holds only if no other resend got there first (the count and the cooldown are as
    /// ruled on). Attempts are untouched: a resend buys no guesses.
    ///
    /// # Errors
    /// Why the resend is refused.
    pub fn resend(
        &self,
        rules: &CodeRules,
        policy: &ResendPolicy,
        now: u64,
    ) -> core::result::Result<Resend, ResendRefusal> {
        let verdict = self.verdict(now);
        if verdict != ChallengeVerdict::Active {
            return Err(ResendRefusal::Closed(verdict));
        }
        policy.allows(self.resends, self.last_sent_at.unwrap_or(0), now)?;
        let expires_at = code_expires_at(now, rules.ttl_seconds)
            .map_err(|_| ResendRefusal::Closed(ChallengeVerdict::Expired))?;
        let mut cooled = vec![(Field::LastSentAt, Test::IsNull)];
        if let Some(latest) = now.checked_sub(seconds_to_ms(policy.cooldown_seconds)) {
            cooled.push((Field::LastSentAt, Test::AtMost(latest)));
        }
        let write = self
            .active(now)
            .when(Field::Resends, Test::Equals(u64::from(self.resends)))
            .when_any(&cooled)
            .change(
                Field::Resends,
                Change::Set(u64::from(self.resends).saturating_add(1)),
            )
            .change(Field::LastSentAt, Change::Set(now))
            .change(Field::ExpiresAt, Change::Set(expires_at));
        Ok(Resend { write, expires_at })
    }

    /// A send failed: the cooldown it started is lifted, so a resend may follow at once.
    /// Only that send's cooldown: a later resend's stays.
    #[must_use]
    pub fn unsent(&self) -> Write {
        let write = Write::new();
        let write = match self.last_sent_at {
            Some(at) => write.when(Field::LastSentAt, Test::Equals(at)),
            None => write.when(Field::LastSentAt, Test::IsNull),
        };
        write.change(Field::LastSentAt, Change::Clear)
    }

    /// Where the challenge stands at `now`, and, when it has expired, the write that
    /// makes the expiry permanent: a process whose clock runs behind can then never
    /// revive what another saw expire.
    #[must_use]
    pub fn settle(&self, now: u64) -> (ChallengeVerdict, Option<Write>) {
        let verdict = self.verdict(now);
        let write = (verdict == ChallengeVerdict::Expired).then(Self::close);
        (verdict, write)
    }

    /// When the user's credentials change (a password, a block, a role): ends every
    /// challenge of theirs that could still lead to a session, the open ones and the
    /// verified enrolments (which authorise enrolment until they expire). The write is
    /// for all of the user's challenge rows; its condition picks those.
    #[must_use]
    pub fn end_all() -> Write {
        Write::new()
            .when_any(&[
                (Field::ConsumedAt, Test::IsNull),
                (Field::VerifiedAt, Test::NotNull),
            ])
            .change(Field::ExpiresAt, Change::Set(0))
    }

    /// Forgets where the code of every challenge that ended by `now` went: the write is
    /// for all challenge rows, and its condition picks the expired ones that still hold a
    /// destination. (A consumed challenge forgot it in the consuming write.)
    #[must_use]
    pub fn forget_ended(now: u64) -> Write {
        Write::new()
            .when(Field::ExpiresAt, Test::AtMost(now))
            .when(Field::Destination, Test::NotNull)
            .change(Field::Destination, Change::Clear)
    }

    /// Ends the challenge for good (an enrolment that completed, an expiry made final).
    #[must_use]
    pub fn close() -> Write {
        Write::new().change(Field::ExpiresAt, Change::Set(0))
    }

    /// When the client may ask for another code: when a cooldown of `cooldown_seconds`
    /// after the current one ends, or `now` when none runs.
    #[must_use]
    pub fn resend_available_at(&self, cooldown_seconds: u32, now: u64) -> u64 {
        self.last_sent_at
            .map_or(now, |at| at.saturating_add(seconds_to_ms(cooldown_seconds)))
    }

    /// Guesses left.
    #[must_use]
    pub fn attempts_remaining(&self) -> u32 {
        self.max_attempts.saturating_sub(self.attempts)
    }

    /// Whether this verified enrolment challenge still authorises enrolment at `now`.
    #[must_use]
    pub fn authorises_enrolment(&self, now: u64) -> bool {
        self.verified_at.is_some() && now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000_000;

    fn rules() -> CodeRules {
        CodeRules::new(300, 5).unwrap()
    }

    fn policy() -> ResendPolicy {
        ResendPolicy::new(30, 3).unwrap()
    }

    /// A challenge row that reads only what [`Challenge::verdict`] reads.
    fn state(expires_at: u64, attempts: u32, consumed: bool) -> Challenge {
        Challenge {
            expires_at,
            attempts,
            max_attempts: 5,
            consumed_at: consumed.then_some(1),
            verified_at: None,
            resends: 0,
            last_sent_at: None,
        }
    }

    fn fields(c: &Challenge) -> impl Fn(Field) -> Option<u64> + '_ {
        move |field| match field {
            Field::ExpiresAt => Some(c.expires_at),
            Field::Attempts => Some(u64::from(c.attempts)),
            Field::ConsumedAt => c.consumed_at,
            Field::VerifiedAt => c.verified_at,
            Field::Resends => Some(u64::from(c.resends)),
            Field::LastSentAt => c.last_sent_at,
            _ => None,
        }
    }

    #[test]
    fn minutes_left_are_rounded_and_at_least_one() {
        assert_eq!(minutes_left(NOW + 300_000, NOW), 5);
        assert_eq!(minutes_left(NOW + 269_999, NOW), 4);
        assert_eq!(minutes_left(NOW + 270_000, NOW), 5);
        assert_eq!(minutes_left(NOW, NOW), 1);
        assert_eq!(minutes_left(NOW, NOW + 1), 1);
    }

    #[test]
    fn rules_are_checked() {
        assert_eq!(CodeRules::new(601, 5), Err(Error::Policy));
        assert_eq!(CodeRules::new(300, 0), Err(Error::Policy));
        assert_eq!(CodeRules::new(300, 11), Err(Error::Policy));
        assert_eq!(ResendPolicy::new(601, 3), Err(Error::Policy));
        assert_eq!(ResendPolicy::new(30, 11), Err(Error::Policy));
    }

    #[test]
    fn challenge_verdicts() {
        assert_eq!(
            state(NOW + 1, 0, false).verdict(NOW),
            ChallengeVerdict::Active
        );
        assert_eq!(
            state(NOW + 1, 4, false).verdict(NOW),
            ChallengeVerdict::Active
        );
        assert_eq!(state(NOW, 0, false).verdict(NOW), ChallengeVerdict::Expired);
        assert_eq!(
            state(NOW + 1, 5, false).verdict(NOW),
            ChallengeVerdict::Exhausted
        );
        assert_eq!(
            state(NOW - 1, 5, false).verdict(NOW),
            ChallengeVerdict::Exhausted
        );
        assert_eq!(
            state(NOW - 1, 5, true).verdict(NOW),
            ChallengeVerdict::Consumed
        );
        assert_eq!(state(NOW, 3, false).attempts_remaining(), 2);
        assert_eq!(state(NOW, 9, false).attempts_remaining(), 0);
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
        let policy = policy();
        assert_eq!(
            policy.allows(0, NOW, NOW + 29_999),
            Err(ResendRefusal::CoolingDown {
                until: NOW + 30_000
            })
        );
        assert_eq!(policy.allows(0, NOW, NOW + 30_000), Ok(()));
        assert_eq!(
            policy.allows(3, NOW, NOW + 90_000),
            Err(ResendRefusal::CapReached)
        );
    }

    #[test]
    fn a_challenge_lives_its_life() {
        let c = Challenge::open(&rules(), NOW, true).unwrap();
        assert_eq!(c.expires_at, NOW + 300_000);
        assert_eq!(c.last_sent_at, Some(NOW));
        assert_eq!(c.resend_available_at(30, NOW), NOW + 30_000);
        let attempt = c.attempt(NOW).unwrap();
        assert!(attempt.admits(fields(&c)));
        assert_eq!(
            attempt.applied(fields(&c)),
            vec![(Field::Attempts, Some(1))]
        );
        // The same write refuses once the row moved on under it.
        let spent = Challenge { attempts: 5, ..c };
        assert!(!attempt.admits(fields(&spent)));
        assert_eq!(spent.attempt(NOW), Err(ChallengeVerdict::Exhausted));
        let consumed = Challenge {
            consumed_at: Some(NOW),
            ..c
        };
        assert!(!attempt.admits(fields(&consumed)));
        assert!(!c.consume(NOW, false).unwrap().admits(fields(&consumed)));
        assert_eq!(
            consumed.consume(NOW, false),
            Err(ChallengeVerdict::Consumed)
        );
        assert!(c.release().admits(fields(&consumed)));
        assert!(!c.release().admits(fields(&Challenge {
            verified_at: Some(NOW),
            ..consumed
        })));
        let enrol = c.consume(NOW, true).unwrap();
        assert!(
            enrol
                .changes
                .contains(&(Field::VerifiedAt, Change::Set(NOW)))
        );
        assert!(enrol.changes.contains(&(Field::Destination, Change::Clear)));
        let later = NOW + 300_000;
        assert!(!attempt.admits(fields(&Challenge {
            expires_at: NOW,
            ..c
        })));
        assert_eq!(
            c.settle(later),
            (ChallengeVerdict::Expired, Some(Challenge::close()))
        );
        assert_eq!(c.settle(NOW), (ChallengeVerdict::Active, None));
        let end_all = Challenge::end_all();
        assert!(end_all.admits(fields(&c)));
        assert!(
            !end_all.admits(fields(&consumed)),
            "a used sign-in challenge leads nowhere"
        );
        assert!(end_all.admits(fields(&Challenge {
            verified_at: Some(NOW),
            ..consumed
        })));
        let verified = Challenge {
            verified_at: Some(NOW),
            consumed_at: Some(NOW),
            ..c
        };
        assert!(verified.authorises_enrolment(NOW));
        assert!(!verified.authorises_enrolment(later));
        assert!(!c.authorises_enrolment(NOW));
    }

    #[test]
    fn resends_hold_the_cooldown_and_the_cap() {
        let rules = rules();
        let c = Challenge::open(&rules, NOW, true).unwrap();
        assert_eq!(
            c.resend(&rules, &policy(), NOW + 29_999),
            Err(ResendRefusal::CoolingDown {
                until: NOW + 30_000
            })
        );
        let resend = c.resend(&rules, &policy(), NOW + 30_000).unwrap();
        assert_eq!(resend.expires_at, NOW + 330_000);
        assert!(resend.write.admits(fields(&c)));
        // A concurrent resend already moved the count, or restarted the cooldown.
        assert!(!resend.write.admits(fields(&Challenge { resends: 1, ..c })));
        assert!(!resend.write.admits(fields(&Challenge {
            last_sent_at: Some(NOW + 1),
            ..c
        })));
        // After a failed send there is no cooldown.
        let unsent = Challenge {
            last_sent_at: None,
            ..c
        };
        assert!(c.unsent().admits(fields(&c)));
        assert!(!c.unsent().admits(fields(&Challenge {
            last_sent_at: Some(NOW + 30_000),
            ..c
        })));
        assert!(
            unsent
                .resend(&rules, &policy(), NOW + 1)
                .unwrap()
                .write
                .admits(fields(&unsent))
        );
        assert_eq!(unsent.resend_available_at(30, NOW + 1), NOW + 1);
        assert_eq!(
            Challenge { resends: 3, ..c }.resend(&rules, &policy(), NOW + 60_000),
            Err(ResendRefusal::CapReached)
        );
        assert_eq!(
            c.resend(&rules, &policy(), NOW + 300_000),
            Err(ResendRefusal::Closed(ChallengeVerdict::Expired))
        );
    }

    proptest::proptest! {
        /// The write of every ruling admits the row it was ruled on, and the attempt's
        /// write admits a row exactly when that row is still active.
        #[test]
        fn guards_match_the_verdicts(expires_at in 0u64..2_000_000, attempts in 0u32..8, consumed: bool, verified: bool, resends in 0u32..5, sent in proptest::option::of(0u64..2_000_000), now in 0u64..2_000_000, other_attempts in 0u32..8, other_expiry in 0u64..2_000_000) {
            let c = Challenge { expires_at, attempts, max_attempts: 5, consumed_at: consumed.then_some(1), verified_at: verified.then_some(1), resends, last_sent_at: sent };
            if let Ok(write) = c.attempt(now) {
                proptest::prop_assert!(write.admits(fields(&c)));
                let other = Challenge { attempts: other_attempts, expires_at: other_expiry, ..c };
                proptest::prop_assert_eq!(write.admits(fields(&other)), other.verdict(now) == ChallengeVerdict::Active);
            }
            if let Ok(resend) = c.resend(&rules(), &policy(), now) {
                proptest::prop_assert!(resend.write.admits(fields(&c)));
            }
            if let Ok(write) = c.consume(now, verified) {
                proptest::prop_assert!(write.admits(fields(&c)));
            }
        }

        #[test]
        fn verdicts_never_panic(expires_at: u64, attempts: u32, max_attempts: u32, consumed: bool, now: u64, resends: u32, last: u64) {
            let c = Challenge { max_attempts, ..state(expires_at, attempts, consumed) };
            let _ = c.verdict(now);
            let _ = c.attempts_remaining();
            let _ = policy().allows(resends, last, now);
        }

        #[test]
        fn a_dead_challenge_never_becomes_active_later(expires_at: u64, attempts in 0u32..20, consumed: bool, now: u64, later in 0u64..1_000_000) {
            let c = state(expires_at, attempts, consumed);
            if c.verdict(now) != ChallengeVerdict::Active {
                proptest::prop_assert_ne!(c.verdict(now.saturating_add(later)), ChallengeVerdict::Active);
            }
        }
    }
}
