//! Every ruling through one export, [`rule`]: numbers in, numbers out.
//!
//! A ruling is named by its index in `NAMES` (which the wrapper reads once) and takes
//! a flat list of numbers, in the order its arm below reads them. A challenge crosses as
//! seven numbers (expires at, attempts, max attempts, consumed at, verified at, resends,
//! last sent at; -1 for null), and a [`Write`] as one flat list: the count of clauses,
//! each clause as its count of tests followed by `(field, test, value)` triples, then
//! the count of changes and `(field, change, value)` triples. Fields, tests, changes and
//! verdicts are indexes into the name lists of [`crate::names`]. `admits` reads a guard
//! in the same form, after a row given as one value per field.

use alloc::vec::Vec;

use two_factor_core::guard::{Field, Test, Write};
use two_factor_core::{
    self as core, Challenge, ChallengeVerdict, CodeRules, Error, LockoutPolicy, RatePolicy,
    RateVerdict, ResendPolicy, ResendRefusal,
};
use wasm_bindgen::prelude::*;

use super::{Out, index, number, whole};

/// A null time or step.
const NULL: f64 = -1.0;

/// Declares the rulings once: the enum the dispatch matches on and the names JS reads.
macro_rules! rulings {
    ($first:ident => $first_name:literal, $($op:ident => $name:literal,)*) => {
        #[derive(Clone, Copy)]
        enum Op { $first, $($op,)* }
        const OPS: &[Op] = &[Op::$first, $(Op::$op,)*];
        /// The rulings' names, comma-separated, in the order of their indexes.
        pub(crate) const NAMES: &str = concat!($first_name $(, ",", $name)*);
    };
}

rulings! {
    Open => "open",
    Attempt => "attempt",
    Consume => "consume",
    Resend => "resend",
    Settle => "settle",
    Release => "release",
    Unsent => "unsent",
    EndAll => "endAll",
    ForgetEnded => "forgetEnded",
    Close => "close",
    ResendAvailableAt => "resendAvailableAt",
    AttemptsRemaining => "attemptsRemaining",
    AuthorisesEnrolment => "authorisesEnrolment",
    MinutesLeft => "minutesLeft",
    PurgeBefore => "purgeBefore",
    CodeExpiresAt => "codeExpiresAt",
    ResendVerdict => "resendVerdict",
    LockoutVerdict => "lockoutVerdict",
    LockoutGuard => "lockoutGuard",
    LockoutTake => "lockoutTake",
    FailuresReset => "failuresReset",
    RateVerdict => "rateVerdict",
    RateKeptUntil => "rateKeptUntil",
    RateRelease => "rateRelease",
    TotpAccept => "totpAccept",
    RecoverySpend => "recoverySpend",
    RecoveryClaim => "recoveryClaim",
    DeviceTrustedUntil => "deviceTrustedUntil",
    DeviceUse => "deviceUse",
    Admits => "admits",
}

/// The arguments of a ruling, read in order. Too few is a wrapper bug, reported as
/// [`Error::Policy`]. Its readers are called from every arm: kept out of line, so that
/// each call is a call rather than a copy (the rulings are not on a hot path).
struct Args<'a>(&'a [f64]);

impl Args<'_> {
    #[inline(never)]
    fn next(&mut self) -> Result<f64, Error> {
        let (&first, rest) = self.0.split_first().ok_or(Error::Policy)?;
        self.0 = rest;
        Ok(first)
    }

    /// A time, step or other non-negative safe integer.
    #[inline(never)]
    fn time(&mut self) -> Result<u64, Error> {
        whole(self.next()?)
    }

    /// A time that may be null (-1).
    #[inline(never)]
    fn optional(&mut self) -> Result<Option<u64>, Error> {
        match self.next()? {
            NULL => Ok(None),
            value => whole(value).map(Some),
        }
    }

    /// A count or a policy parameter the core keeps in 32 bits.
    #[inline(never)]
    fn count(&mut self) -> Result<u32, Error> {
        u32::try_from(self.time()?).map_err(|_| Error::Policy)
    }

    #[inline(never)]
    fn flag(&mut self) -> Result<bool, Error> {
        Ok(self.next()? != 0.0)
    }

    /// The seven numbers of a challenge, as the module comment says.
    #[inline(never)]
    fn challenge(&mut self) -> Result<Challenge, Error> {
        Ok(Challenge {
            expires_at: self.time()?,
            attempts: self.count()?,
            max_attempts: self.count()?,
            consumed_at: self.optional()?,
            verified_at: self.optional()?,
            resends: self.count()?,
            last_sent_at: self.optional()?,
        })
    }

    /// What is left, as times (the stored times of a rate window).
    fn times(self) -> Result<Vec<u64>, Error> {
        self.0.iter().map(|&at| whole(at)).collect()
    }

    /// An index into `list`.
    fn pick<T: Copy>(&mut self, list: &[T]) -> Result<T, Error> {
        let at = usize::try_from(self.count()?).map_err(|_| Error::Policy)?;
        list.get(at).copied().ok_or(Error::Policy)
    }

    /// A guard in the flat form of the module comment; a write with no changes.
    fn guard(&mut self) -> Result<Write, Error> {
        let mut write = Write::new();
        for _ in 0..self.count()? {
            let mut clause = Vec::new();
            for _ in 0..self.count()? {
                let field = self.pick(Field::ALL)?;
                let name = usize::try_from(self.count()?).map_err(|_| Error::Policy)?;
                let test = Test::from_parts(name, self.time()?).ok_or(Error::Policy)?;
                clause.push((field, test));
            }
            write = write.when_any(&clause);
        }
        Ok(write)
    }
}

fn field_index(field: Field) -> f64 {
    index(Field::ALL.iter().position(|&f| f == field).unwrap_or(0))
}

fn verdict_index(verdict: ChallengeVerdict) -> f64 {
    index(
        ChallengeVerdict::ALL
            .iter()
            .position(|&v| v == verdict)
            .unwrap_or(0),
    )
}

/// `head`, then `write` in the flat form of the module comment. It takes the write, so
/// that a write is dropped here, once, rather than in every arm of [`rule`].
#[inline(never)]
fn encoded(head: &[f64], write: Option<Write>) -> Vec<f64> {
    let mut out = head.to_vec();
    if let Some(write) = write {
        out.push(index(write.guard.len()));
        for clause in &write.guard {
            out.push(index(clause.len()));
            for &(field, test) in clause {
                let (name, value) = test.parts();
                out.extend([field_index(field), index(name), number(value)]);
            }
        }
        out.push(index(write.changes.len()));
        for &(field, change) in &write.changes {
            let (name, value) = change.parts();
            out.extend([field_index(field), index(name), number(value)]);
        }
    }
    out
}

/// Numbers out, as a fresh list (one copy of the allocation for every arm).
#[inline(never)]
fn numbers(values: &[f64]) -> Vec<f64> {
    values.to_vec()
}

fn write(write: Write) -> Vec<f64> {
    encoded(&[], Some(write))
}

/// `[verdict, ...write]`, the write only when there is one.
#[inline(never)]
fn verdict_and_write(ruling: Result<Write, ChallengeVerdict>) -> Vec<f64> {
    match ruling {
        Ok(write) => encoded(&[verdict_index(ChallengeVerdict::Active)], Some(write)),
        Err(verdict) => numbers(&[verdict_index(verdict)]),
    }
}

fn lockout_policy(args: &mut Args<'_>) -> Result<LockoutPolicy, Error> {
    LockoutPolicy::new(args.count()?, args.count()?)
}

/// Rules as the ruling at `op` (an index into the rulings' names in [`crate::names`])
/// does on `args`; each arm of the source says what it reads and answers.
#[wasm_bindgen]
pub fn rule(op: u32, args: &[f64]) -> Out<Vec<f64>> {
    let op = usize::try_from(op)
        .ok()
        .and_then(|op| OPS.get(op))
        .copied()
        .ok_or(Error::Policy)?;
    let mut a = Args(args);
    let a = &mut a;
    Ok(match op {
        // now, ttl, max attempts, sent -> [expires at, last sent at or -1]
        Op::Open => {
            let now = a.time()?;
            let rules = CodeRules::new(a.count()?, a.count()?)?;
            let c = Challenge::open(&rules, now, a.flag()?)?;
            numbers(&[number(c.expires_at), c.last_sent_at.map_or(NULL, number)])
        }
        // challenge, now -> [verdict, ...write while active]
        Op::Attempt => verdict_and_write(a.challenge()?.attempt(a.time()?)),
        // challenge, now, enrolment -> [verdict, ...write while not consumed]
        Op::Consume => {
            let c = a.challenge()?;
            verdict_and_write(c.consume(a.time()?, a.flag()?))
        }
        // challenge, now, ttl, cooldown, max resends -> [0, expires at, ...write] when
        // the resend may go ahead; [1, verdict] closed, [2, until] cooling down, [3] cap
        Op::Resend => {
            let c = a.challenge()?;
            let now = a.time()?;
            let rules = CodeRules::new(a.count()?, c.max_attempts)?;
            let policy = ResendPolicy::new(a.count()?, a.count()?)?;
            match c.resend(&rules, &policy, now) {
                Ok(resend) => encoded(&[0.0, number(resend.expires_at)], Some(resend.write)),
                Err(ResendRefusal::Closed(verdict)) => numbers(&[1.0, verdict_index(verdict)]),
                Err(ResendRefusal::CoolingDown { until }) => numbers(&[2.0, number(until)]),
                Err(ResendRefusal::CapReached) => numbers(&[3.0]),
            }
        }
        // challenge, now -> [verdict, ...write when just found expired]
        Op::Settle => {
            let (verdict, settle) = a.challenge()?.settle(a.time()?);
            encoded(&[verdict_index(verdict)], settle)
        }
        // challenge -> write
        Op::Release => write(a.challenge()?.release()),
        Op::Unsent => write(a.challenge()?.unsent()),
        // -> write
        Op::EndAll => write(Challenge::end_all()),
        // now -> write
        Op::ForgetEnded => write(Challenge::forget_ended(a.time()?)),
        Op::Close => write(Challenge::close()),
        // challenge, now, cooldown -> [when]
        Op::ResendAvailableAt => {
            let c = a.challenge()?;
            let now = a.time()?;
            numbers(&[number(c.resend_available_at(a.count()?, now))])
        }
        // challenge -> [guesses left]
        Op::AttemptsRemaining => numbers(&[f64::from(a.challenge()?.attempts_remaining())]),
        // challenge, now -> [0 or 1]
        Op::AuthorisesEnrolment => {
            let c = a.challenge()?;
            numbers(&[f64::from(u8::from(c.authorises_enrolment(a.time()?)))])
        }
        // now, expires at -> [minutes]
        Op::MinutesLeft => {
            let now = a.time()?;
            numbers(&[number(core::minutes_left(a.time()?, now))])
        }
        // now -> [time]
        Op::PurgeBefore => numbers(&[number(core::purge_before(a.time()?))]),
        // now, ttl -> [time]
        Op::CodeExpiresAt => numbers(&[number(core::code_expires_at(a.time()?, a.count()?)?)]),
        // now, last sent at, resends, cooldown, max resends -> [0] allowed, [1] cap,
        // [2, until] cooling down
        Op::ResendVerdict => {
            let (now, last_sent_at, resends) = (a.time()?, a.time()?, a.count()?);
            match ResendPolicy::new(a.count()?, a.count()?)?.allows(resends, last_sent_at, now) {
                Ok(()) => numbers(&[0.0]),
                Err(ResendRefusal::CoolingDown { until }) => numbers(&[2.0, number(until)]),
                Err(_) => numbers(&[1.0]),
            }
        }
        // now, failures, last failure at, threshold, duration -> [0] open, [1, until]
        Op::LockoutVerdict => {
            let (now, failures, last_failure_at) = (a.time()?, a.count()?, a.time()?);
            let policy = lockout_policy(a)?;
            match core::lockout_verdict(&policy, failures, last_failure_at, now) {
                core::LockoutVerdict::Open => numbers(&[0.0]),
                core::LockoutVerdict::Locked { until } => numbers(&[1.0, number(until)]),
            }
        }
        // now, threshold, duration -> [failures below, last failure at most or -1]
        Op::LockoutGuard => {
            let now = a.time()?;
            let guard = core::lockout_guard(&lockout_policy(a)?, now);
            numbers(&[
                f64::from(guard.failures_below),
                guard.last_failure_at_most.map_or(NULL, number),
            ])
        }
        // now, threshold, duration -> write
        Op::LockoutTake => {
            let now = a.time()?;
            write(core::lockout_take(&lockout_policy(a)?, now))
        }
        Op::FailuresReset => write(core::failures_reset()),
        // now, cap, window, ...times -> [0, ...times to store] or [1, retry at]
        Op::RateVerdict => {
            let now = a.time()?;
            let policy = RatePolicy::new(a.count()?, a.count()?)?;
            let times = Args(a.0).times()?;
            match core::rate_verdict(&policy, &times, now)? {
                RateVerdict::Allowed { times } => {
                    let mut out = Vec::with_capacity(times.len().saturating_add(1));
                    out.push(0.0);
                    out.extend(times.into_iter().map(number));
                    out
                }
                RateVerdict::Capped { retry_at } => numbers(&[1.0, number(retry_at)]),
            }
        }
        // window, ...times -> [when, or -1 for no times]
        Op::RateKeptUntil => {
            let window = a.count()?;
            if window > core::MAX_RATE_WINDOW_SECONDS {
                return Err(Error::Policy.into());
            }
            let times = Args(a.0).times()?;
            numbers(&[core::rate_kept_until(&times, window).map_or(NULL, number)])
        }
        // at, ...times -> [0] when no event at `at` is stored, else [1, ...times to store]
        Op::RateRelease => {
            let at = a.time()?;
            let times = Args(a.0).times()?;
            match core::rate_release(&times, at) {
                None => numbers(&[0.0]),
                Some(kept) => {
                    let mut out = Vec::with_capacity(kept.len().saturating_add(1));
                    out.push(1.0);
                    out.extend(kept.into_iter().map(number));
                    out
                }
            }
        }
        // step -> write
        Op::TotpAccept => write(core::totp_accept(a.time()?)),
        // now -> write
        Op::RecoverySpend => write(core::recovery_spend(a.time()?)),
        // set number read -> write
        Op::RecoveryClaim => write(core::recovery_claim(a.time()?)),
        // now, days -> [until]
        Op::DeviceTrustedUntil => {
            numbers(&[number(core::device_trusted_until(a.time()?, a.count()?)?)])
        }
        // now, expires at -> [] once the trust has ended, else write
        Op::DeviceUse => {
            let now = a.time()?;
            core::device_use(a.time()?, now).map_or_else(Vec::new, write)
        }
        // a value (or -1) for each field, then a guard -> [1] when the row meets it, [0]
        Op::Admits => {
            let row = Field::ALL
                .iter()
                .map(|_| a.optional())
                .collect::<Result<Vec<_>, Error>>()?;
            let guard = a.guard()?;
            let stored = |field| {
                let at = Field::ALL.iter().position(|&f| f == field);
                at.and_then(|at| row.get(at)).copied().flatten()
            };
            numbers(&[f64::from(u8::from(guard.admits(stored)))])
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str) -> u32 {
        let at = NAMES
            .split(',')
            .position(|n| n == name)
            .unwrap_or(usize::MAX);
        u32::try_from(at).unwrap_or(u32::MAX)
    }

    #[test]
    fn names_and_ops_pair_up() {
        assert_eq!(NAMES.split(',').count(), OPS.len());
        assert_eq!(Field::ALL.len(), 13);
        assert_eq!(rule(u32::MAX, &[]), Err(Error::Policy.into()));
        assert_eq!(rule(op("attempt"), &[1.0]), Err(Error::Policy.into()));
    }

    #[test]
    fn a_write_goes_out_and_comes_back_as_the_same_guard() {
        let now = 1_700_000_000_000.0;
        let challenge = [now + 300_000.0, 0.0, 5.0, NULL, NULL, 0.0, now];
        let flat = rule(op("attempt"), &[&challenge[..], &[now]].concat()).unwrap_or_default();
        assert_eq!(flat.first(), Some(&0.0));
        // The row the attempt was ruled on, field by field, then the guard it answered.
        let row = [
            now + 300_000.0,
            0.0,
            NULL,
            NULL,
            0.0,
            now,
            NULL,
            NULL,
            NULL,
            NULL,
            NULL,
            NULL,
            NULL,
        ];
        let admits = |row: &[f64]| {
            let args = [row, flat.get(1..).unwrap_or_default()].concat();
            rule(op("admits"), &args)
        };
        assert_eq!(admits(&row), Ok(vec![1.0]));
        let mut spent = row;
        spent[1] = 5.0;
        assert_eq!(admits(&spent), Ok(vec![0.0]));
        let mut consumed = row;
        consumed[2] = now;
        assert_eq!(admits(&consumed), Ok(vec![0.0]));
    }
}
