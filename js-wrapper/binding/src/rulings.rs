//! The rulings on a challenge, a guess, a TOTP step and a trusted device, each with the
//! conditional write it asks for.
//!
//! A challenge crosses as seven numbers (expires at, attempts, max attempts, consumed
//! at, verified at, resends, last sent at; -1 for null), and a [`Write`] as one flat list
//! of numbers: the count of clauses, each clause as its count of tests followed by
//! `(field, test, value)` triples, then the count of changes and `(field, change,
//! value)` triples. Fields, tests and changes are indexes into the name lists below,
//! which the wrapper reads once. One allocation per ruling, no object built here.

use two_factor_core::guard::{Change, Field, Test, Write};
use two_factor_core::{self as core, Challenge, ChallengeVerdict, CodeRules, Error, ResendRefusal};
use wasm_bindgen::prelude::*;

use super::{Out, err, number, whole};

const NULL: f64 = -1.0;

fn index(i: usize) -> f64 {
    f64::from(u32::try_from(i).unwrap_or(u32::MAX))
}

fn field_index(field: Field) -> f64 {
    index(Field::ALL.iter().position(|&f| f == field).unwrap_or(0))
}

fn encode(out: &mut Vec<f64>, write: &Write) {
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

fn encoded(head: &[f64], write: Option<&Write>) -> Vec<f64> {
    let mut out = head.to_vec();
    if let Some(write) = write {
        encode(&mut out, write);
    }
    out
}

fn optional(value: f64) -> Result<Option<u64>, Error> {
    if value == NULL {
        Ok(None)
    } else {
        whole(value).map(Some)
    }
}

fn count(value: f64) -> Result<u32, Error> {
    u32::try_from(whole(value)?).map_err(|_| Error::Policy)
}

/// The seven numbers of a challenge, as the module comment says.
fn challenge(state: &[f64]) -> Result<Challenge, Error> {
    let &[
        expires_at,
        attempts,
        max_attempts,
        consumed_at,
        verified_at,
        resends,
        last_sent_at,
    ] = state
    else {
        return Err(Error::Policy);
    };
    Ok(Challenge {
        expires_at: whole(expires_at)?,
        attempts: count(attempts)?,
        max_attempts: count(max_attempts)?,
        consumed_at: optional(consumed_at)?,
        verified_at: optional(verified_at)?,
        resends: count(resends)?,
        last_sent_at: optional(last_sent_at)?,
    })
}

fn verdict_index(verdict: ChallengeVerdict) -> f64 {
    match verdict {
        ChallengeVerdict::Active => 0.0,
        ChallengeVerdict::Expired => 1.0,
        ChallengeVerdict::Exhausted => 2.0,
        ChallengeVerdict::Consumed => 3.0,
    }
}

/// `field names, test names, change names, verdict names`, each comma-separated, `;` between.
#[wasm_bindgen(js_name = writeNames)]
#[must_use]
pub fn write_names() -> String {
    let fields: Vec<&str> = Field::ALL.iter().map(|f| f.name()).collect();
    let verdicts = [
        ChallengeVerdict::Active,
        ChallengeVerdict::Expired,
        ChallengeVerdict::Exhausted,
        ChallengeVerdict::Consumed,
    ]
    .map(ChallengeVerdict::name);
    [
        fields.join(","),
        Test::NAMES.join(","),
        Change::NAMES.join(","),
        verdicts.join(","),
    ]
    .join(";")
}

/// A new challenge's `[expires at, last sent at or -1]`.
#[wasm_bindgen(js_name = challengeOpen)]
pub fn challenge_open(now: f64, ttl_seconds: u32, max_attempts: u32, sent: bool) -> Out<Vec<f64>> {
    (|| {
        let rules = CodeRules::new(ttl_seconds, max_attempts, 0, 0)?;
        let c = Challenge::open(&rules, whole(now)?, sent)?;
        Ok(vec![
            number(c.expires_at),
            c.last_sent_at.map_or(NULL, number),
        ])
    })()
    .map_err(err)
}

/// `[verdict, ...write]`: the write only when the verdict is active (0).
#[wasm_bindgen(js_name = challengeAttempt)]
pub fn challenge_attempt(now: f64, state: &[f64]) -> Out<Vec<f64>> {
    (|| {
        Ok(match challenge(state)?.attempt(whole(now)?) {
            Ok(write) => encoded(&[0.0], Some(&write)),
            Err(verdict) => vec![verdict_index(verdict)],
        })
    })()
    .map_err(err)
}

/// `[verdict, ...write]`, as for an attempt.
#[wasm_bindgen(js_name = challengeConsume)]
pub fn challenge_consume(now: f64, state: &[f64], enrolment: bool) -> Out<Vec<f64>> {
    (|| {
        Ok(match challenge(state)?.consume(whole(now)?, enrolment) {
            Ok(write) => encoded(&[0.0], Some(&write)),
            Err(verdict) => vec![verdict_index(verdict)],
        })
    })()
    .map_err(err)
}

/// `[0, expires at, ...write]` when the resend may go ahead; `[1, verdict]` when the
/// challenge is closed, `[2, until]` while cooling down, `[3]` at the cap.
#[wasm_bindgen(js_name = challengeResend)]
pub fn challenge_resend(
    now: f64,
    state: &[f64],
    ttl_seconds: u32,
    cooldown_seconds: u32,
    max_resends: u32,
) -> Out<Vec<f64>> {
    (|| {
        let c = challenge(state)?;
        let rules = CodeRules::new(ttl_seconds, c.max_attempts, cooldown_seconds, max_resends)?;
        Ok(match c.resend(&rules, whole(now)?) {
            Ok(resend) => encoded(&[0.0, number(resend.expires_at)], Some(&resend.write)),
            Err(ResendRefusal::Closed(verdict)) => vec![1.0, verdict_index(verdict)],
            Err(ResendRefusal::CoolingDown { until }) => vec![2.0, number(until)],
            Err(ResendRefusal::CapReached) => vec![3.0],
        })
    })()
    .map_err(err)
}

/// `[verdict, ...write]`: the write only when the challenge has just been found expired.
#[wasm_bindgen(js_name = challengeSettle)]
pub fn challenge_settle(now: f64, state: &[f64]) -> Out<Vec<f64>> {
    (|| {
        let (verdict, write) = challenge(state)?.settle(whole(now)?);
        Ok(encoded(&[verdict_index(verdict)], write.as_ref()))
    })()
    .map_err(err)
}

/// The write of a state change that needs no ruling: `release` or `unsent`.
#[wasm_bindgen(js_name = challengeWrite)]
pub fn challenge_write(kind: &str, state: &[f64]) -> Out<Vec<f64>> {
    (|| {
        let c = challenge(state)?;
        let write = match kind {
            "release" => c.release(),
            "unsent" => c.unsent(),
            _ => return Err(Error::Policy),
        };
        Ok(encoded(&[], Some(&write)))
    })()
    .map_err(err)
}

/// The write that ends, of all of a user's challenges, those that could still lead to a
/// session (their credentials changed).
#[wasm_bindgen(js_name = challengeEndAll)]
#[must_use]
pub fn challenge_end_all() -> Vec<f64> {
    encoded(&[], Some(&Challenge::end_all()))
}

/// The write that ends any challenge for good.
#[wasm_bindgen(js_name = challengeClose)]
#[must_use]
pub fn challenge_close() -> Vec<f64> {
    encoded(&[], Some(&Challenge::close()))
}

/// When the client may ask for another code (unix ms).
#[wasm_bindgen(js_name = resendAvailableAt)]
pub fn resend_available_at(now: f64, state: &[f64], cooldown_seconds: u32) -> Out<f64> {
    (|| {
        let c = challenge(state)?;
        // Only the cooldown is read: the count of resends is no part of this answer.
        let resend = core::ResendPolicy::new(cooldown_seconds, 0)?;
        Ok(number(c.resend_available_at(&resend, whole(now)?)))
    })()
    .map_err(err)
}

/// Whole minutes left before `expires_at`, at least one (for the message's text).
#[wasm_bindgen(js_name = codeMinutesLeft)]
pub fn code_minutes_left(now: f64, expires_at: f64) -> Out<f64> {
    (|| Ok(number(core::minutes_left(whole(expires_at)?, whole(now)?))))().map_err(err)
}

/// Guesses left on a challenge.
#[wasm_bindgen(js_name = attemptsRemaining)]
pub fn attempts_remaining(state: &[f64]) -> Out<u32> {
    (|| Ok(challenge(state)?.attempts_remaining()))().map_err(err)
}

/// Challenges that expired before this time may be deleted (unix ms).
#[wasm_bindgen(js_name = challengePurgeBefore)]
pub fn challenge_purge_before(now: f64) -> Out<f64> {
    (|| Ok(number(core::purge_before(whole(now)?))))().map_err(err)
}

/// Whether a verified enrolment challenge still authorises enrolment.
#[wasm_bindgen(js_name = authorisesEnrolment)]
pub fn authorises_enrolment(now: f64, state: &[f64]) -> Out<bool> {
    (|| Ok(challenge(state)?.authorises_enrolment(whole(now)?)))().map_err(err)
}

/// The write that spends one guess of an account's budget.
#[wasm_bindgen(js_name = lockoutTake)]
pub fn lockout_take(now: f64, threshold: u32, duration_seconds: u32) -> Out<Vec<f64>> {
    (|| {
        let policy = core::LockoutPolicy::new(threshold, duration_seconds)?;
        Ok(encoded(
            &[],
            Some(&core::lockout_take(&policy, whole(now)?)),
        ))
    })()
    .map_err(err)
}

/// The write that ends a run of failures.
#[wasm_bindgen(js_name = failuresReset)]
#[must_use]
pub fn failures_reset() -> Vec<f64> {
    encoded(&[], Some(&core::failures_reset()))
}

/// The write that accepts a TOTP step once.
#[wasm_bindgen(js_name = totpAccept)]
pub fn totp_accept(step: f64) -> Out<Vec<f64>> {
    (|| Ok(encoded(&[], Some(&core::totp_accept(whole(step)?)))))().map_err(err)
}

/// When the last of `times` leaves the window (unix ms), or -1 for no times.
#[wasm_bindgen(js_name = rateKeptUntil)]
pub fn rate_kept_until(times: &[f64], window_seconds: u32) -> Out<f64> {
    (|| {
        if window_seconds > core::MAX_RATE_WINDOW_SECONDS {
            return Err(Error::Policy);
        }
        let times = times
            .iter()
            .map(|&at| whole(at))
            .collect::<Result<Vec<u64>, Error>>()?;
        Ok(core::rate_kept_until(&times, window_seconds).map_or(NULL, number))
    })()
    .map_err(err)
}

/// The write that spends a recovery code once.
#[wasm_bindgen(js_name = recoverySpend)]
pub fn recovery_spend(now: f64) -> Out<Vec<f64>> {
    (|| Ok(encoded(&[], Some(&core::recovery_spend(whole(now)?)))))().map_err(err)
}

/// When a device remembered now for `days` stops being trusted (unix ms).
#[wasm_bindgen(js_name = deviceTrustedUntil)]
pub fn device_trusted_until(now: f64, days: u32) -> Out<f64> {
    (|| core::device_trusted_until(whole(now)?, days).map(number))().map_err(err)
}

/// `[]` when the device's trust has ended, else the write that records its use.
#[wasm_bindgen(js_name = deviceUse)]
pub fn device_use(now: f64, expires_at: f64) -> Out<Vec<f64>> {
    (|| {
        Ok(core::device_use(whole(expires_at)?, whole(now)?)
            .map_or_else(Vec::new, |write| encoded(&[], Some(&write))))
    })()
    .map_err(err)
}
