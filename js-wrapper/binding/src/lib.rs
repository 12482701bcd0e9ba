//! The wasm-bindgen layer over `two-factor-core`: what `js-wrapper` calls, and nothing
//! it does not.
//!
//! It only converts: JS numbers to integers (refusing anything the core cannot take),
//! byte slices and strings in, strings, numbers and `Uint8Array`s out. Every argument
//! has already been checked by the JS wrapper; the checks here make a bad value an error
//! rather than a wrapped integer, never a panic.
//!
//! One error convention: every export that can fail returns `Result<_, Fault>`, and a
//! [`Fault`] reaches JS as a thrown number, the index of the core error in
//! [`Error::ALL`]; the wrapper turns it into its `TwoFactorError`, with the code and
//! message it read once from `errorCode` and `errorMessage`.

// Every export fails the same way, with a Fault, as said above.
#![allow(clippy::missing_errors_doc)]
// In the wasm, no std: its panic and formatting machinery cost about 8 KiB, for messages
// that a trap never shows. A panic (the core is written to have none, and the wrapper
// checks every argument first) traps, as it did under `panic = "abort"` with std.
#![cfg_attr(target_arch = "wasm32", no_std)]

extern crate alloc;

use alloc::borrow::ToOwned;
use alloc::string::String;
use alloc::vec::Vec;

use spin::Mutex;
use subtle::ConstantTimeEq;
use two_factor_core::{self as core, Error, HashKey, OtpKey, SealKey, TotpCheck, TotpParams};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

mod keyring;
mod random;
mod rulings;
use random::PooledRng;
pub use rulings::rule;

#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &::core::panic::PanicInfo<'_>) -> ! {
    ::core::arch::wasm32::unreachable()
}

/// talc instead of the default dlmalloc: about 6 KiB less wasm, and as fast for the
/// small, short-lived buffers that cross the boundary.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A core error on its way to JS, where it is thrown as its index in [`Error::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault(Error);

impl From<Error> for Fault {
    fn from(e: Error) -> Self {
        Self(e)
    }
}

impl From<Fault> for JsValue {
    fn from(fault: Fault) -> Self {
        let index = Error::ALL.iter().position(|&e| e == fault.0).unwrap_or(0);
        JsValue::from(u32::try_from(index).unwrap_or(0))
    }
}

/// What every fallible export returns.
type Out<T> = Result<T, Fault>;

/// Largest integer a JS number holds exactly (2^53 - 1).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A JS number that must be a non-negative safe integer (a time or a step).
fn whole(value: f64) -> Result<u64, Error> {
    if !(0.0..=MAX_SAFE_INTEGER).contains(&value) {
        return Err(Error::Time);
    }
    // Finite, non-negative and below 2^53 (NaN is not in the range): the cast drops the
    // fraction, so the value comes back unchanged exactly when it had none.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let integer = value as u64;
    #[allow(clippy::cast_precision_loss)]
    let exact = integer as f64 == value;
    if exact { Ok(integer) } else { Err(Error::Time) }
}

/// Steps and times go back to JS as numbers; every one the core returns is below 2^53
/// because it was derived from inputs below 2^53.
#[allow(clippy::cast_precision_loss)]
fn number(value: u64) -> f64 {
    value as f64
}

/// An index into one of the name lists of [`names`], as a JS number.
fn index(i: usize) -> f64 {
    f64::from(u32::try_from(i).unwrap_or(u32::MAX))
}

// --- What the wrapper reads once, at load -------------------------------------------

/// How many core errors there are.
#[wasm_bindgen(js_name = errorCount)]
#[must_use]
pub fn error_count() -> u32 {
    u32::try_from(Error::ALL.len()).unwrap_or(0)
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

fn error_at(index: u32) -> Error {
    usize::try_from(index)
        .ok()
        .and_then(|i| Error::ALL.get(i))
        .copied()
        .unwrap_or(Error::Random)
}

/// The core's bounds and defaults, so that JS validates with the same numbers: their
/// names comma-separated, and their values in the same order, each name written once.
macro_rules! limits {
    ($first:ident $(, $name:ident)* $(,)?) => {
        const LIMIT_NAMES: &str = concat!(stringify!($first) $(, ",", stringify!($name))*);
        const LIMIT_VALUES: &[f64] = &[core::$first as f64 $(, core::$name as f64)*];
    };
}

limits! {
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
    MAX_RATE_TRIES,
    RATE_CONTENDED_RETRY_MS,
    MAX_PREVIOUS_SECRETS,
    MAX_CONTEXT_BYTES,
    MIN_WEBHOOK_SECRET_CHARS,
    MAX_WEBHOOK_SECRET_BYTES,
    MAX_WEBHOOK_BODY_BYTES,
}

/// Every name the wrapper pairs with a number, as comma-separated lists joined by `;`,
/// each in the order of the indexes that cross the boundary: the limits (values in
/// [`limit_values`]), the TOTP algorithms, the rulings of [`rule`], and the
/// fields, tests, changes and verdicts of a write.
#[wasm_bindgen]
#[must_use]
pub fn names() -> String {
    let mut out = String::from(LIMIT_NAMES);
    let mut list = |names: &mut dyn Iterator<Item = &str>| {
        if !out.is_empty() {
            out.push(';');
        }
        for (i, name) in names.enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(name);
        }
    };
    list(&mut core::Algorithm::ALL.iter().map(|a| a.name()));
    list(&mut ::core::iter::once(rulings::NAMES));
    list(&mut core::guard::Field::ALL.iter().map(|f| f.name()));
    list(&mut core::guard::Test::NAMES.iter().copied());
    list(&mut core::guard::Change::NAMES.iter().copied());
    list(&mut core::ChallengeVerdict::ALL.iter().map(|v| v.name()));
    out
}

/// The values of the core limits, in the order of their names in [`names`].
#[wasm_bindgen(js_name = limitValues)]
#[must_use]
pub fn limit_values() -> Vec<f64> {
    LIMIT_VALUES.to_vec()
}

// --- Hashing keys -------------------------------------------------------------------

/// Distinct hashing keys a server uses at once: the code key and the token key, each
/// under the current secret and one previous one.
const CACHED_KEYS: usize = 4;

/// The last hashing keys and their keyed HMAC states. A server hashes with the same
/// few keys over and over, so keying HMAC once instead of per call halves the work.
static HASH_KEYS: Mutex<KeyCache> = Mutex::new(Vec::new());

type KeyCache = Vec<(Zeroizing<Vec<u8>>, HashKey)>;

/// The position in `cache` of the [`HashKey`] for `key`, made and cached when missing.
/// Not generic, so the wasm holds one copy of it for every export that hashes.
#[inline(never)]
fn cached(cache: &mut KeyCache, key: &[u8]) -> Result<usize, Error> {
    let hit = cache
        .iter()
        .position(|(bytes, _)| bytes.len() == key.len() && bool::from(bytes.as_slice().ct_eq(key)));
    if let Some(index) = hit {
        return Ok(index);
    }
    if cache.len() >= CACHED_KEYS {
        cache.remove(0);
    }
    cache.push((Zeroizing::new(key.to_vec()), HashKey::new(key)?));
    Ok(cache.len().saturating_sub(1))
}

/// Runs `f` with the [`HashKey`] for `key`, reusing a cached one when the bytes match.
fn with_hash_key<T>(key: &[u8], f: impl FnOnce(&HashKey) -> Result<T, Error>) -> Out<T> {
    let mut cache = HASH_KEYS.lock();
    let index = cached(&mut cache, key)?;
    match cache.get(index) {
        Some((_, hash_key)) => Ok(f(hash_key)?),
        None => Err(Error::KeyTooShort.into()),
    }
}

// --- One-time codes, recovery codes, tokens and salts -------------------------------

/// A uniformly random one-time code, as a number below 10^digits (the wrapper pads it).
#[wasm_bindgen(js_name = generateCode)]
pub fn generate_code(digits: u32) -> Out<f64> {
    Ok(number(core::generate_code_value(&mut PooledRng, digits)?))
}

/// The keyed, salted hash of a one-time code, or of a recovery code when `recovery`.
#[wasm_bindgen(js_name = hashCode)]
pub fn hash_code(code: &str, key: &[u8], salt: &[u8], recovery: bool) -> Out<String> {
    with_hash_key(key, |k| {
        if recovery {
            core::hash_recovery_code(code, k, salt)
        } else {
            core::hash_code(code, k, salt)
        }
    })
}

/// Constant-time check of a code (a typed recovery code when `recovery`) against its
/// stored hash.
#[wasm_bindgen(js_name = verifyCode)]
pub fn verify_code(code: &str, hash: &str, key: &[u8], salt: &[u8], recovery: bool) -> Out<bool> {
    with_hash_key(key, |k| {
        if recovery {
            core::verify_recovery_code(code, hash, k, salt)
        } else {
            core::verify_code(code, hash, k, salt)
        }
    })
}

/// Fresh recovery codes.
#[wasm_bindgen(js_name = generateRecoveryCodes)]
pub fn generate_recovery_codes(count: u32) -> Out<Vec<String>> {
    Ok(core::generate_recovery_codes(&mut PooledRng, count)?)
}

/// The canonical form of a typed recovery code, or `undefined` when it has not the
/// shape of one (an answer, not a failure).
#[wasm_bindgen(js_name = normalizeRecoveryCode)]
#[must_use]
pub fn normalize_recovery_code(code: &str) -> Option<String> {
    core::normalize_recovery_code(code).ok()
}

/// A fresh opaque token.
#[wasm_bindgen(js_name = generateToken)]
pub fn generate_token() -> Out<String> {
    Ok(core::generate_token(&mut PooledRng)?)
}

/// The hash of a token: HMAC-SHA-256 under `key`, or plain SHA-256 when `key` is empty.
#[wasm_bindgen(js_name = hashToken)]
pub fn hash_token(token: &str, key: &[u8]) -> Out<String> {
    if key.is_empty() {
        return Ok(core::hash_token(token));
    }
    with_hash_key(key, |k| Ok(core::keyed_token_hash(token, k)))
}

/// A fresh salt.
#[wasm_bindgen(js_name = generateSalt)]
pub fn generate_salt() -> Out<Vec<u8>> {
    Ok(core::generate_salt(&mut PooledRng)?.to_vec())
}

// --- TOTP ----------------------------------------------------------------------------

/// A fresh TOTP secret.
#[wasm_bindgen(js_name = generateSecret)]
pub fn generate_secret(bytes: u32) -> Out<Vec<u8>> {
    let bytes = usize::try_from(bytes).map_err(|_| Error::SecretLength)?;
    Ok(core::generate_secret(&mut PooledRng, bytes)?.to_vec())
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
    Ok(core::base32_decode(text)?.to_vec())
}

/// An algorithm crosses as its index in [`core::Algorithm::ALL`], whose names the
/// wrapper reads once from [`names`].
fn totp_params(algorithm: u8, digits: u32, period: u32) -> Result<TotpParams, Error> {
    let algorithm = core::Algorithm::ALL
        .get(usize::from(algorithm))
        .copied()
        .ok_or(Error::Algorithm)?;
    TotpParams::new(algorithm, digits, period)
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
    algorithm: u8,
    digits: u32,
    period: u32,
    time: f64,
    in_ms: bool,
) -> Out<String> {
    let params = totp_params(algorithm, digits, period)?;
    let key = OtpKey::new(secret, params.algorithm())?;
    Ok(core::generate_totp(&key, totp_time(time, in_ms)?, &params)?)
}

/// The matched time step, or -1 for no match (`time` as for `generateTotp`). `token` is
/// the code's numeric value (its digit count was checked by the wrapper); `after_step`
/// below zero means "no step used yet".
#[wasm_bindgen(js_name = verifyTotp)]
#[allow(clippy::too_many_arguments)]
pub fn verify_totp(
    token: u32,
    secret: &[u8],
    algorithm: u8,
    digits: u32,
    period: u32,
    time: f64,
    in_ms: bool,
    window: u32,
    after_step: f64,
) -> Out<f64> {
    let params = totp_params(algorithm, digits, period)?;
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
}

/// An `otpauth://totp/` URI.
#[wasm_bindgen(js_name = otpauthUri)]
pub fn otpauth_uri(
    secret: &[u8],
    issuer: &str,
    account: &str,
    algorithm: u8,
    digits: u32,
    period: u32,
) -> Out<String> {
    let params = totp_params(algorithm, digits, period)?;
    Ok(core::otpauth_uri(
        secret,
        &core::OtpauthLabel { issuer, account },
        &params,
    )?)
}

// --- Sealed secrets -------------------------------------------------------------------

/// Seals `plaintext` under a raw key, bound to `associated_data`.
#[wasm_bindgen(js_name = sealSecret)]
pub fn seal_secret(plaintext: &[u8], key: &[u8], associated_data: &[u8]) -> Out<String> {
    let key = SealKey::new(key)?;
    Ok(core::seal(
        &mut PooledRng,
        &key,
        plaintext,
        associated_data,
    )?)
}

/// Opens a value sealed under a raw key.
#[wasm_bindgen(js_name = openSecret)]
pub fn open_secret(sealed: &str, key: &[u8], associated_data: &[u8]) -> Out<Vec<u8>> {
    let key = SealKey::new(key)?;
    Ok(core::open(&key, sealed, associated_data)?.to_vec())
}
