//! The security core of two-step login.
//!
//! Every security decision of the Strapi plugin is made here: one-time codes, their
//! keyed hashes, HOTP/TOTP with a replay guard, TOTP secrets and `otpauth://` URIs,
//! recovery codes, sealed secrets, and the verdicts on expiry, attempts, resends and
//! lockout.
//!
//! The crate is pure: it reads no clock (every time is an argument), does no I/O, and
//! draws randomness only from the generator its caller passes in. It has no `unsafe`,
//! and no code path can panic: every failure is an [`Error`] whose message carries no
//! input.
//!
//! ```
//! use two_factor_core::{HashKey, generate_code, hash_code, verify_code};
//!
//! # fn main() -> Result<(), two_factor_core::Error> {
//! let key = HashKey::new(&[42u8; 32])?;
//! let salt = [7u8; 16];
//! # let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(1);
//! # use rand_core::SeedableRng;
//! let code = generate_code(&mut rng, 6)?;
//! let stored = hash_code(&code, &key, &salt)?;
//! assert!(verify_code(&code, &stored, &key, &salt)?);
//! # Ok(())
//! # }
//! ```

// Tests do arithmetic on known-small values; the lint guards production code only.
#![cfg_attr(
    test,
    allow(clippy::arithmetic_side_effects, clippy::cast_possible_truncation)
)]

mod code;
mod digits;
mod error;
mod key;
mod otp;
mod recovery;
mod seal;
mod secret;
mod token;
mod uri;
mod verdict;

pub use code::{
    DEFAULT_CODE_DIGITS, MAX_CODE_BYTES, MAX_CODE_DIGITS, MAX_SALT_BYTES, MIN_CODE_DIGITS,
    MIN_SALT_BYTES, generate_code, generate_code_value, hash_code, verify_code,
};
pub use error::{Error, Result};
pub use key::{HashKey, MAX_KEY_BYTES, MIN_KEY_BYTES, SEAL_KEY_BYTES, SealKey};
pub use otp::{
    Algorithm, DEFAULT_OTP_DIGITS, DEFAULT_PERIOD, DEFAULT_WINDOW, MAX_OTP_DIGITS, MAX_PERIOD,
    MAX_SECRET_BYTES, MAX_WINDOW, MIN_OTP_DIGITS, MIN_PERIOD, MIN_SECRET_BYTES, OtpKey, TotpCheck,
    TotpParams, generate_totp, hotp, verify_totp, verify_totp_value,
};
pub use rand_core::TryCryptoRng;
pub use recovery::{
    DEFAULT_RECOVERY_CODES, MAX_RECOVERY_CODES, MAX_RECOVERY_INPUT_BYTES, MIN_RECOVERY_CODES,
    generate_recovery_codes, hash_recovery_code, normalize_recovery_code, verify_recovery_code,
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
pub use verdict::{
    ChallengeState, ChallengeVerdict, DEFAULT_ATTEMPTS, DEFAULT_CODE_TTL_SECONDS,
    DEFAULT_LOCKOUT_SECONDS, DEFAULT_LOCKOUT_THRESHOLD, DEFAULT_NEW_NUMBERS_PER_DAY,
    DEFAULT_RESEND_COOLDOWN_SECONDS, DEFAULT_RESENDS, DEFAULT_SENDS_PER_HOUR,
    DEFAULT_SENDS_PER_NUMBER_PER_HOUR, LockoutGuard, LockoutPolicy, LockoutVerdict, MAX_ATTEMPTS,
    MAX_CODE_TTL_SECONDS, MAX_LOCKOUT_SECONDS, MAX_LOCKOUT_THRESHOLD, MAX_OPEN_CHALLENGES,
    MAX_RATE_CAP, MAX_RATE_WINDOW_SECONDS, MAX_RESEND_COOLDOWN_SECONDS, MAX_RESENDS,
    MAX_TRUSTED_DEVICES, MIN_ATTEMPTS, MIN_CODE_TTL_SECONDS, MIN_LOCKOUT_SECONDS, RatePolicy,
    RateVerdict, ResendPolicy, ResendVerdict, attempts_remaining, challenge_verdict,
    code_expires_at, lockout_guard, lockout_verdict, rate_verdict, resend_verdict,
};
