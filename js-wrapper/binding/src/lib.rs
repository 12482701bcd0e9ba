//! The wasm-bindgen layer over `two-factor-core`.
//!
//! It only converts: JS numbers to integers (refusing anything the core cannot take),
//! byte slices and strings in, strings and `Uint8Array`s out, and core errors to their
//! index in [`Error::ALL`], which the JS wrapper turns into a `TwoFactorError`.
//! Every argument has already been checked by the JS wrapper; the checks here make a
//! bad value an error rather than a wrapped integer, never a panic.

// Every export fails the same way, with the index of a core error, as said above.
#![allow(clippy::missing_errors_doc)]

use std::cell::RefCell;

use subtle::ConstantTimeEq;
use two_factor_core::{self as core, Error, HashKey, OtpKey, SealKey, TotpCheck, TotpParams};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

mod keyring;
mod random;
mod rulings;
use random::PooledRng;

/// talc instead of the default dlmalloc: about 6 KiB less wasm, and as fast for the
/// small, short-lived buffers that cross the boundary.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A core error crosses the boundary as its index in [`Error::ALL`].
fn err(e: Error) -> u32 {
    let index = Error::ALL.iter().position(|&x| x == e).unwrap_or(0);
    u32::try_from(index).unwrap_or(0)
}

type Out<T> = Result<T, u32>;

/// The two hottest exports return one number instead of a `Result`: a multi-value
/// return reaches JS as a freshly allocated array on every call. Results are zero or
/// more (or -1 for "no match"); a core error becomes `-2 - index`, which the wrapper
/// turns back into a `TwoFactorError`.
fn status(result: Result<f64, Error>) -> f64 {
    match result {
        Ok(value) => value,
        Err(e) => -2.0 - f64::from(err(e)),
    }
}

/// A JS number that must be a non-negative safe integer (a time or a step).
fn whole(value: f64) -> Result<u64, Error> {
    let exact = (0.0..=MAX_SAFE_INTEGER).contains(&value) && value.fract() == 0.0;
    if !exact {
        return Err(Error::Time);
    }
    // Checked just above: finite, non-negative, integral and below 2^53.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Ok(value as u64)
}

/// Steps and times go back to JS as numbers; every one the core returns is below 2^53
/// because it was derived from inputs below 2^53.
#[allow(clippy::cast_precision_loss)]
fn number(value: u64) -> f64 {
    value as f64
}

/// An algorithm crosses as its index in [`core::Algorithm::ALL`], whose names the wrapper
/// reads once (`algorithmNames`): a number on the hot path, a name in the API, and the
/// pairing written only here.
fn algorithm(id: u8) -> Result<core::Algorithm, Error> {
    core::Algorithm::ALL
        .get(usize::from(id))
        .copied()
        .ok_or(Error::Algorithm)
}

/// The algorithms' names, comma-separated, in the order of their indexes.
#[wasm_bindgen(js_name = algorithmNames)]
#[must_use]
pub fn algorithm_names() -> String {
    core::Algorithm::ALL
        .iter()
        .map(|a| a.name())
        .collect::<Vec<_>>()
        .join(",")
}

/// Distinct hashing keys a server uses at once: the code key and the token key, each
/// under the current secret and one previous one.
const CACHED_KEYS: usize = 4;

thread_local! {
    /// The last hashing keys and their keyed HMAC states. A server hashes with the same
    /// few keys over and over, so keying HMAC once instead of per call halves the work.
    static HASH_KEYS: RefCell<Vec<(Zeroizing<Vec<u8>>, HashKey)>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the [`HashKey`] for `key`, reusing a cached one when the bytes match.
fn with_hash_key<T>(key: &[u8], f: impl FnOnce(&HashKey) -> Result<T, Error>) -> Result<T, Error> {
    HASH_KEYS.with(|cell| {
        let mut cache = cell.borrow_mut();
        let hit = cache.iter().position(|(bytes, _)| {
            bytes.len() == key.len() && bool::from(bytes.as_slice().ct_eq(key))
        });
        let index = match hit {
            Some(index) => index,
            None => {
                if cache.len() >= CACHED_KEYS {
                    cache.remove(0);
                }
                cache.push((Zeroizing::new(key.to_vec()), HashKey::new(key)?));
                cache.len().saturating_sub(1)
            }
        };
        match cache.get(index) {
            Some((_, hash_key)) => f(hash_key),
            None => Err(Error::KeyTooShort),
        }
    })
}

/// The stable code of the error at `index`, such as `KEY_TOO_SHORT`.
#[wasm_bindgen(js_name = errorCode)]
#[must_use]
pub fn error_code(index: u32) -> String {
    error_at(index).code().to_owned()
}

/// The static message of the error at `index`.
#[wasm_bindgen(js_name = errorMessage)]
#[must_use]
pub fn error_message(index: u32) -> String {
    error_at(index).message().to_owned()
}

/// How many errors there are.
#[wasm_bindgen(js_name = errorCount)]
#[must_use]
pub fn error_count() -> u32 {
    u32::try_from(Error::ALL.len()).unwrap_or(0)
}

fn error_at(index: u32) -> Error {
    usize::try_from(index)
        .ok()
        .and_then(|i| Error::ALL.get(i))
        .copied()
        .unwrap_or(Error::Random)
}

/// A uniformly random one-time code, as a number below 10^digits (the wrapper pads it).
#[wasm_bindgen(js_name = generateCode)]
pub fn generate_code(digits: u32) -> Out<f64> {
    core::generate_code_value(&mut PooledRng, digits)
        .map(number)
        .map_err(err)
}

/// The keyed, salted hash of a code.
#[wasm_bindgen(js_name = hashCode)]
pub fn hash_code(code: &str, key: &[u8], salt: &[u8]) -> Out<String> {
    with_hash_key(key, |k| core::hash_code(code, k, salt)).map_err(err)
}

/// Constant-time check of a code against its stored hash: 1 or 0, or an error status.
#[wasm_bindgen(js_name = verifyCode)]
#[must_use]
pub fn verify_code(code: &str, hash: &str, key: &[u8], salt: &[u8]) -> f64 {
    status(with_hash_key(key, |k| core::verify_code(code, hash, k, salt)).map(f64::from))
}

/// A fresh TOTP secret.
#[wasm_bindgen(js_name = generateSecret)]
pub fn generate_secret(bytes: u32) -> Out<Vec<u8>> {
    let bytes = usize::try_from(bytes).map_err(|_| err(Error::SecretLength))?;
    core::generate_secret(&mut PooledRng, bytes)
        .map(|s| s.to_vec())
        .map_err(err)
}

/// Upper-case unpadded base32.
#[wasm_bindgen(js_name = base32Encode)]
#[must_use]
pub fn base32_encode(bytes: &[u8]) -> String {
    core::base32_encode(bytes)
}

/// Base32 in either case, padding optional.
#[wasm_bindgen(js_name = base32Decode)]
pub fn base32_decode(text: &str) -> Out<Vec<u8>> {
    core::base32_decode(text).map(|b| b.to_vec()).map_err(err)
}

fn totp_params(algorithm_id: u8, digits: u32, period: u32) -> Result<TotpParams, Error> {
    TotpParams::new(algorithm(algorithm_id)?, digits, period)
}

/// A TOTP time: unix seconds, or unix milliseconds when `in_ms`.
fn totp_time(time: f64, in_ms: bool) -> Result<u64, Error> {
    let time = whole(time)?;
    Ok(if in_ms {
        core::unix_seconds(time)
    } else {
        time
    })
}

/// The TOTP value at `time` (unix seconds, or milliseconds when `in_ms`).
#[wasm_bindgen(js_name = generateTotp)]
pub fn generate_totp(
    secret: &[u8],
    algorithm_id: u8,
    digits: u32,
    period: u32,
    time: f64,
    in_ms: bool,
) -> Out<String> {
    (|| {
        let params = totp_params(algorithm_id, digits, period)?;
        let key = OtpKey::new(secret, params.algorithm())?;
        core::generate_totp(&key, totp_time(time, in_ms)?, &params)
    })()
    .map_err(err)
}

/// The matched time step, -1 for no match, or an error status (`time` as for
/// `generateTotp`). `token` is the code's
/// numeric value (its digit count was checked by the wrapper); `after_step` below zero
/// means "no step used yet".
#[wasm_bindgen(js_name = verifyTotp)]
#[allow(clippy::too_many_arguments)]
#[must_use]
pub fn verify_totp(
    token: u32,
    secret: &[u8],
    algorithm_id: u8,
    digits: u32,
    period: u32,
    time: f64,
    in_ms: bool,
    window: u32,
    after_step: f64,
) -> f64 {
    status((|| {
        let params = totp_params(algorithm_id, digits, period)?;
        let key = OtpKey::new(secret, params.algorithm())?;
        let after_step = if after_step < 0.0 {
            None
        } else {
            Some(whole(after_step)?)
        };
        let check = TotpCheck {
            time: totp_time(time, in_ms)?,
            window,
            after_step,
        };
        Ok(core::verify_totp_value(&key, token, &params, &check)?.map_or(-1.0, number))
    })())
}

/// An `otpauth://totp/` URI.
#[wasm_bindgen(js_name = otpauthUri)]
pub fn otpauth_uri(
    secret: &[u8],
    issuer: &str,
    account: &str,
    algorithm_id: u8,
    digits: u32,
    period: u32,
) -> Out<String> {
    (|| {
        let params = totp_params(algorithm_id, digits, period)?;
        core::otpauth_uri(secret, &core::OtpauthLabel { issuer, account }, &params)
    })()
    .map_err(err)
}

/// Fresh recovery codes.
#[wasm_bindgen(js_name = generateRecoveryCodes)]
pub fn generate_recovery_codes(count: u32) -> Out<Vec<String>> {
    core::generate_recovery_codes(&mut PooledRng, count).map_err(err)
}

/// The canonical form of a typed recovery code, or `undefined`.
#[wasm_bindgen(js_name = normalizeRecoveryCode)]
#[must_use]
pub fn normalize_recovery_code(code: &str) -> Option<String> {
    core::normalize_recovery_code(code).ok()
}

/// The keyed, salted hash of a recovery code.
#[wasm_bindgen(js_name = hashRecoveryCode)]
pub fn hash_recovery_code(code: &str, key: &[u8], salt: &[u8]) -> Out<String> {
    with_hash_key(key, |k| core::hash_recovery_code(code, k, salt)).map_err(err)
}

/// Constant-time check of a typed recovery code.
#[wasm_bindgen(js_name = verifyRecoveryCode)]
pub fn verify_recovery_code(code: &str, hash: &str, key: &[u8], salt: &[u8]) -> Out<bool> {
    with_hash_key(key, |k| core::verify_recovery_code(code, hash, k, salt)).map_err(err)
}

/// Seals `plaintext`, bound to `associated_data`.
#[wasm_bindgen(js_name = sealSecret)]
pub fn seal_secret(plaintext: &[u8], key: &[u8], associated_data: &[u8]) -> Out<String> {
    (|| {
        core::seal(
            &mut PooledRng,
            &SealKey::new(key)?,
            plaintext,
            associated_data,
        )
    })()
    .map_err(err)
}

/// Opens a sealed value.
#[wasm_bindgen(js_name = openSecret)]
pub fn open_secret(sealed: &str, key: &[u8], associated_data: &[u8]) -> Out<Vec<u8>> {
    (|| core::open(&SealKey::new(key)?, sealed, associated_data).map(|p| p.to_vec()))().map_err(err)
}

/// A fresh opaque token.
#[wasm_bindgen(js_name = generateToken)]
pub fn generate_token() -> Out<String> {
    core::generate_token(&mut PooledRng).map_err(err)
}

/// SHA-256 hex of a token.
#[wasm_bindgen(js_name = hashToken)]
#[must_use]
pub fn hash_token(token: &str) -> String {
    core::hash_token(token)
}

/// HMAC-SHA-256 hex of a token under a server key.
#[wasm_bindgen(js_name = keyedTokenHash)]
pub fn keyed_token_hash(token: &str, key: &[u8]) -> Out<String> {
    with_hash_key(key, |k| Ok(core::keyed_token_hash(token, k))).map_err(err)
}

/// A fresh salt.
#[wasm_bindgen(js_name = generateSalt)]
pub fn generate_salt() -> Out<Vec<u8>> {
    core::generate_salt(&mut PooledRng)
        .map(|s| s.to_vec())
        .map_err(err)
}

/// `active`, `expired`, `exhausted` or `consumed`.
#[wasm_bindgen(js_name = challengeVerdict)]
pub fn challenge_verdict(
    now: f64,
    expires_at: f64,
    attempts: u32,
    max_attempts: u32,
    consumed: bool,
) -> Out<String> {
    (|| {
        let state = core::ChallengeState {
            expires_at: whole(expires_at)?,
            attempts,
            max_attempts,
            consumed,
        };
        Ok(core::challenge_verdict(&state, whole(now)?)
            .name()
            .to_owned())
    })()
    .map_err(err)
}

/// When a code issued at `now` expires (unix milliseconds).
#[wasm_bindgen(js_name = codeExpiresAt)]
pub fn code_expires_at(now: f64, ttl_seconds: u32) -> Out<f64> {
    (|| core::code_expires_at(whole(now)?, ttl_seconds).map(number))().map_err(err)
}

/// 0 when a resend is allowed, -1 when the cap is reached, otherwise when the
/// cooldown ends (unix milliseconds).
#[wasm_bindgen(js_name = resendVerdict)]
pub fn resend_verdict(
    now: f64,
    last_sent_at: f64,
    resends: u32,
    cooldown_seconds: u32,
    max_resends: u32,
) -> Out<f64> {
    (|| {
        let policy = core::ResendPolicy::new(cooldown_seconds, max_resends)?;
        Ok(
            match core::resend_verdict(&policy, resends, whole(last_sent_at)?, whole(now)?) {
                core::ResendVerdict::Allowed => 0.0,
                core::ResendVerdict::CapReached => -1.0,
                core::ResendVerdict::CoolingDown { until } => number(until),
            },
        )
    })()
    .map_err(err)
}

/// 0 when the account is open, otherwise when the lock ends (unix milliseconds).
#[wasm_bindgen(js_name = lockoutVerdict)]
pub fn lockout_verdict(
    now: f64,
    failures: u32,
    last_failure_at: f64,
    threshold: u32,
    duration_seconds: u32,
) -> Out<f64> {
    (|| {
        let policy = core::LockoutPolicy::new(threshold, duration_seconds)?;
        Ok(
            match core::lockout_verdict(&policy, failures, whole(last_failure_at)?, whole(now)?) {
                core::LockoutVerdict::Open => 0.0,
                core::LockoutVerdict::Locked { until } => number(until),
            },
        )
    })()
    .map_err(err)
}

/// `[failures below, last failure at most]`, the second -1 while no lock can have run out.
#[wasm_bindgen(js_name = lockoutGuard)]
pub fn lockout_guard(now: f64, threshold: u32, duration_seconds: u32) -> Out<Vec<f64>> {
    (|| {
        let policy = core::LockoutPolicy::new(threshold, duration_seconds)?;
        let guard = core::lockout_guard(&policy, whole(now)?);
        Ok(vec![
            f64::from(guard.failures_below),
            guard.last_failure_at_most.map_or(-1.0, number),
        ])
    })()
    .map_err(err)
}

/// `[0, ...times to store]` when one more event may happen, `[1, retry at]` when not.
#[wasm_bindgen(js_name = rateVerdict)]
pub fn rate_verdict(now: f64, times: &[f64], cap: u32, window_seconds: u32) -> Out<Vec<f64>> {
    (|| {
        let policy = core::RatePolicy::new(cap, window_seconds)?;
        let times = times
            .iter()
            .map(|&at| whole(at))
            .collect::<Result<Vec<u64>, Error>>()?;
        Ok(match core::rate_verdict(&policy, &times, whole(now)?)? {
            core::RateVerdict::Allowed { times } => {
                let mut out = Vec::with_capacity(times.len().saturating_add(1));
                out.push(0.0);
                out.extend(times.into_iter().map(number));
                out
            }
            core::RateVerdict::Capped { retry_at } => vec![1.0, number(retry_at)],
        })
    })()
    .map_err(err)
}

/// `(name, value)` for each core constant, so that each name is written once.
macro_rules! limits {
    ($($name:ident),* $(,)?) => { [$((stringify!($name), core::$name as f64)),*] };
}

/// The core's bounds and defaults, so that JS validates with the same numbers. Names
/// and values cross as two flat lists (cheaper than building a JS object here).
const LIMITS: [(&str, f64); 70] = limits![
    MIN_CODE_DIGITS,
    MAX_CODE_DIGITS,
    DEFAULT_CODE_DIGITS,
    MIN_KEY_BYTES,
    MAX_KEY_BYTES,
    SEAL_KEY_BYTES,
    MIN_SALT_BYTES,
    MAX_SALT_BYTES,
    MAX_CODE_BYTES,
    MIN_OTP_DIGITS,
    MAX_OTP_DIGITS,
    DEFAULT_OTP_DIGITS,
    MIN_PERIOD,
    MAX_PERIOD,
    DEFAULT_PERIOD,
    MIN_WINDOW,
    MAX_WINDOW,
    DEFAULT_WINDOW,
    MIN_SECRET_BYTES,
    MAX_SECRET_BYTES,
    MIN_GENERATED_SECRET_BYTES,
    MAX_GENERATED_SECRET_BYTES,
    DEFAULT_SECRET_BYTES,
    MAX_BASE32_CHARS,
    MAX_LABEL_BYTES,
    MIN_RECOVERY_CODES,
    MAX_RECOVERY_CODES,
    DEFAULT_RECOVERY_CODES,
    MAX_SEAL_BYTES,
    MIN_CODE_TTL_SECONDS,
    MAX_CODE_TTL_SECONDS,
    DEFAULT_CODE_TTL_SECONDS,
    MIN_ATTEMPTS,
    MAX_ATTEMPTS,
    DEFAULT_ATTEMPTS,
    MIN_RESEND_COOLDOWN_SECONDS,
    MAX_RESEND_COOLDOWN_SECONDS,
    DEFAULT_RESEND_COOLDOWN_SECONDS,
    MIN_RESENDS,
    MAX_RESENDS,
    DEFAULT_RESENDS,
    MIN_LOCKOUT_THRESHOLD,
    MAX_LOCKOUT_THRESHOLD,
    DEFAULT_LOCKOUT_THRESHOLD,
    MIN_LOCKOUT_SECONDS,
    MAX_LOCKOUT_SECONDS,
    DEFAULT_LOCKOUT_SECONDS,
    MIN_RATE_CAP,
    MAX_RATE_CAP,
    MIN_RATE_WINDOW_SECONDS,
    MAX_RATE_WINDOW_SECONDS,
    DEFAULT_SENDS_PER_HOUR,
    DEFAULT_SENDS_PER_NUMBER_PER_HOUR,
    DEFAULT_NEW_NUMBERS_PER_DAY,
    MAX_TRUSTED_DEVICES,
    MAX_OPEN_CHALLENGES,
    TOKEN_BYTES,
    TOKEN_CHARS,
    MAX_TOKEN_INPUT_CHARS,
    HASH_HEX_CHARS,
    MAX_RECOVERY_INPUT_BYTES,
    MIN_TRUSTED_DEVICE_DAYS,
    MAX_TRUSTED_DEVICE_DAYS,
    TRUSTED_DEVICE_DAYS_OFF,
    SENDS_WINDOW_SECONDS,
    NEW_NUMBERS_WINDOW_SECONDS,
    MAX_PREVIOUS_SECRETS,
    MAX_CONTEXT_BYTES,
    MAX_WEBHOOK_SECRET_BYTES,
    MAX_WEBHOOK_BODY_BYTES,
];

/// The names of the core limits, comma-separated, in order.
#[wasm_bindgen(js_name = limitNames)]
#[must_use]
pub fn limit_names() -> String {
    LIMITS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(",")
}

/// The values of the core limits, in the same order as `limitNames`.
#[wasm_bindgen(js_name = limitValues)]
#[must_use]
pub fn limit_values() -> Vec<f64> {
    LIMITS.iter().map(|(_, value)| *value).collect()
}
