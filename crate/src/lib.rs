//! The security core of two-step login.
//!
//! Every security decision of the Strapi plugin is made here; the plugin loads rows,
//! writes what a ruling says under the condition it states, and sends messages.
//!
//! # The rules of a login
//!
//! A sign-in that owes a second step opens a [`Challenge`]: a random token the client
//! holds ([`generate_token`]; the server keeps only its keyed hash), a code sent by SMS
//! or e-mail ([`generate_code`], stored as [`Keyring::hash_code`]), a lifetime of at most
//! ten minutes and a number of attempts ([`CodeRules`]), and a cooldown and cap on
//! sending it again ([`ResendPolicy`]). From then on every change is a
//! ruling on the stored state at `now` (unix milliseconds, always passed in) that
//! answers a [`guard::Write`]: the changes to store, and the condition the stored row
//! must still meet, so that one conditional `UPDATE` and its row count settle any race
//! between requests or processes:
//!
//! 1. Each guess first spends an attempt ([`Challenge::attempt`]), then a place in the
//!    account's budget of guesses ([`lockout_take`]); past the threshold the account is
//!    locked ([`lockout_verdict`]) and no code is compared. Only then is the code
//!    compared, in constant time, under the current key or a previous one
//!    ([`Keyring::verify_code`]), or taken as a TOTP ([`verify_totp`], whose matched step
//!    is accepted once by [`totp_accept`]) or a recovery code
//!    ([`Keyring::verify_recovery_code`]).
//! 2. A right code consumes the challenge, once ([`Challenge::consume`]), and gives the
//!    guess back ([`failures_reset`]). An enrolment challenge becomes verified and then
//!    authorises enrolment only ([`Challenge::authorises_enrolment`]).
//! 3. A resend replaces the code under a cooldown and a cap, and never buys guesses
//!    ([`Challenge::resend`]); every message sent counts against sliding-window caps per
//!    account and per number ([`rate_verdict`]).
//! 4. An expired, exhausted or consumed challenge never becomes usable again
//!    ([`Challenge::settle`] makes an expiry final).
//! 5. A device the user chose to trust skips the second step until its trust runs out
//!    ([`device_trusted_until`], [`device_use`]).
//!
//! Keys come from one master secret and any previous ones ([`Keyring`], HKDF-SHA-256 with
//! a label per use); what was hashed or sealed under a previous secret still verifies,
//! and the answer says so, so the caller can seal it again under the current key.
//!
//! The crate is pure: it reads no clock, does no I/O, and draws randomness only from the
//! generator its caller passes in. It has no `unsafe`, and no code path can panic: every
//! failure is an [`Error`] whose message carries no input.
//!
//! A ruling and its write: a challenge is opened, then each guess spends an attempt by a
//! write whose guard the stored row must still meet when it is applied. The store turns
//! the guard into a `WHERE` and reads the row count; here the row is read by a closure.
//!
//! ```
//! use two_factor_core::guard::Field;
//! use two_factor_core::{Challenge, ChallengeVerdict, CodeRules};
//!
//! # fn main() -> Result<(), two_factor_core::Error> {
//! let now = 1_700_000_000_000;
//! let rules = CodeRules::new(300, 5)?; // a 5-minute code, 5 attempts
//! let mut row = Challenge::open(&rules, now, true)?; // the stored state
//!
//! for _ in 0..5 {
//!     let write = row.attempt(now).expect("active"); // ruled on the row as read
//!     let stored = |field| match field {
//!         Field::ConsumedAt => row.consumed_at,
//!         Field::ExpiresAt => Some(row.expires_at),
//!         Field::Attempts => Some(u64::from(row.attempts)),
//!         _ => None,
//!     };
//!     assert!(write.admits(stored)); // the conditional UPDATE changes one row
//!     assert_eq!(write.applied(stored), [(Field::Attempts, Some(u64::from(row.attempts) + 1))]);
//!     row.attempts += 1;
//! }
//! // The sixth guess is refused before any write: no burst passes the maximum.
//! assert_eq!(row.attempt(now), Err(ChallengeVerdict::Exhausted));
//! # Ok(())
//! # }
//! ```
//!
//! The keyed hashes, TOTP and sealing are plain functions too ([`hash_code`],
//! [`verify_code`], [`verify_totp`], [`seal`], [`open`]), for callers that keep their
//! own keys; `two-factor-wasm` exposes both.

// No std: the crate needs only `alloc`, and without std's panic and formatting machinery
// the wasm built on it is smaller. Tests use std.
#![cfg_attr(not(test), no_std)]
// Tests do arithmetic on known-small values; the lint guards production code only.
#![cfg_attr(
    test,
    allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)
)]

extern crate alloc;

mod account;
mod challenge;
mod code;
mod device;
mod digits;
mod error;
pub mod guard;
mod key;
mod keyring;
mod otp;
mod recovery;
mod seal;
mod secret;
mod token;
mod uri;
mod webhook;

pub use account::{
    DEFAULT_LOCKOUT_SECONDS, DEFAULT_LOCKOUT_THRESHOLD, DEFAULT_NEW_NUMBERS_PER_DAY,
    DEFAULT_SENDS_PER_HOUR, DEFAULT_SENDS_PER_NUMBER_PER_HOUR, LockoutGuard, LockoutPolicy,
    LockoutVerdict, MAX_LOCKOUT_SECONDS, MAX_LOCKOUT_THRESHOLD, MAX_RATE_CAP, MAX_RATE_TRIES,
    MAX_RATE_WINDOW_SECONDS, MIN_LOCKOUT_SECONDS, MIN_LOCKOUT_THRESHOLD, MIN_RATE_CAP,
    MIN_RATE_WINDOW_SECONDS, NEW_NUMBERS_WINDOW_SECONDS, RATE_CONTENDED_RETRY_MS, RatePolicy,
    RateVerdict, SENDS_WINDOW_SECONDS, failures_reset, lockout_guard, lockout_take,
    lockout_verdict, rate_kept_until, rate_release, rate_verdict,
};
pub use challenge::{
    Challenge, ChallengeVerdict, CodeRules, DEFAULT_ATTEMPTS, DEFAULT_CODE_TTL_SECONDS,
    DEFAULT_RESEND_COOLDOWN_SECONDS, DEFAULT_RESENDS, ENDED_CHALLENGE_KEPT_MS, MAX_ATTEMPTS,
    MAX_CODE_TTL_SECONDS, MAX_OPEN_CHALLENGES, MAX_RESEND_COOLDOWN_SECONDS, MAX_RESENDS,
    MIN_ATTEMPTS, MIN_CODE_TTL_SECONDS, MIN_RESEND_COOLDOWN_SECONDS, MIN_RESENDS, Resend,
    ResendPolicy, ResendRefusal, code_expires_at, minutes_left, purge_before,
};
pub use code::{
    DEFAULT_CODE_DIGITS, MAX_CODE_BYTES, MAX_CODE_DIGITS, MAX_SALT_BYTES, MIN_CODE_DIGITS,
    MIN_SALT_BYTES, generate_code, generate_code_value, hash_code, verify_code,
};
pub use device::{
    MAX_TRUSTED_DEVICE_DAYS, MAX_TRUSTED_DEVICES, MIN_TRUSTED_DEVICE_DAYS, TRUSTED_DEVICE_DAYS_OFF,
    device_trusted_until, device_use,
};
pub use error::{Error, Result};
pub use key::{HashKey, MAX_KEY_BYTES, MIN_KEY_BYTES, SEAL_KEY_BYTES, SealKey};
pub use keyring::{KeyUsed, Keyring, MAX_CONTEXT_BYTES, MAX_PREVIOUS_SECRETS};
pub use otp::{
    Algorithm, DEFAULT_OTP_DIGITS, DEFAULT_PERIOD, DEFAULT_WINDOW, MAX_OTP_DIGITS, MAX_PERIOD,
    MAX_SECRET_BYTES, MAX_WINDOW, MIN_OTP_DIGITS, MIN_PERIOD, MIN_SECRET_BYTES, MIN_WINDOW, OtpKey,
    TotpCheck, TotpParams, generate_totp, hotp, totp_accept, unix_seconds, verify_totp,
    verify_totp_value,
};
pub use rand_core::TryCryptoRng;
pub use recovery::{
    DEFAULT_RECOVERY_CODES, MAX_RECOVERY_CODES, MAX_RECOVERY_INPUT_BYTES, MIN_RECOVERY_CODES,
    generate_recovery_codes, hash_recovery_code, normalize_recovery_code, recovery_claim,
    recovery_spend, verify_recovery_code,
};
pub use seal::{MAX_SEAL_BYTES, open, seal};
pub use secret::{
    DEFAULT_SECRET_BYTES, MAX_BASE32_CHARS, MAX_GENERATED_SECRET_BYTES, MIN_GENERATED_SECRET_BYTES,
    base32_decode, base32_encode, generate_secret,
};
pub use token::{
    HASH_HEX_CHARS, MAX_TOKEN_INPUT_CHARS, SALT_BYTES, TOKEN_BYTES, TOKEN_CHARS, generate_salt,
    generate_token, hash_token, keyed_token_hash,
};
pub use uri::{MAX_LABEL_BYTES, OtpauthLabel, otpauth_uri};
pub use webhook::{
    MAX_WEBHOOK_BODY_BYTES, MAX_WEBHOOK_SECRET_BYTES, MIN_WEBHOOK_SECRET_CHARS, SignedWebhook,
    sign_webhook, webhook_signature,
};
