//! HOTP (RFC 4226) and TOTP (RFC 6238), with a drift window and a replay guard.
//!
//! The current time is always an argument: the core never reads a clock.

use alloc::string::String;
use hmac::{Hmac, KeyInit, Mac};
use subtle::ConstantTimeEq;

use crate::{Error, Result, digits};

/// Fewest digits of an HOTP/TOTP value (RFC 4226 §5.3).
pub const MIN_OTP_DIGITS: u32 = 6;
/// Most digits of an HOTP/TOTP value (RFC 6238 reference implementation).
pub const MAX_OTP_DIGITS: u32 = 8;
/// Digits when the caller does not say; what authenticator apps expect.
pub const DEFAULT_OTP_DIGITS: u32 = 6;
/// Shortest TOTP step in seconds.
pub const MIN_PERIOD: u32 = 15;
/// Longest TOTP step in seconds (NIST SP 800-63B §5.1.4.1: at most two minutes).
/// A longer step would turn a TOTP into a long-lived "code with an expiry".
pub const MAX_PERIOD: u32 = 120;
/// TOTP step when the caller does not say (RFC 6238 §5.2).
pub const DEFAULT_PERIOD: u32 = 30;
/// Widest drift window, in steps either side of the current one.
pub const MAX_WINDOW: u32 = 10;
/// Fewest steps accepted either side of the current one: none (the current step only).
pub const MIN_WINDOW: u32 = 0;
/// Drift window when the caller does not say: one step either side (RFC 6238 §5.2).
pub const DEFAULT_WINDOW: u32 = 1;
/// Shortest shared secret in bytes (RFC 4226 §4 R6: at least 128 bits).
pub const MIN_SECRET_BYTES: usize = 16;
/// Longest shared secret in bytes (a SHA-512 block is 128 bytes; 64 is the RFC 6238 seed).
pub const MAX_SECRET_BYTES: usize = 128;

/// The HMAC hash function of an HOTP/TOTP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// HMAC-SHA-1, the RFC 4226 default and what most authenticator apps support.
    #[default]
    Sha1,
    /// HMAC-SHA-256 (RFC 6238).
    Sha256,
    /// HMAC-SHA-512 (RFC 6238).
    Sha512,
}

impl Algorithm {
    /// Every algorithm, in a stable order (the wasm binding passes one as its index).
    pub const ALL: &'static [Algorithm] = &[Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512];

    /// The name used in `otpauth://` URIs: `SHA1`, `SHA256` or `SHA512`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }
}

/// The parameters of a TOTP, validated once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TotpParams {
    algorithm: Algorithm,
    digits: u32,
    period: u32,
}

impl Default for TotpParams {
    fn default() -> Self {
        Self {
            algorithm: Algorithm::Sha1,
            digits: DEFAULT_OTP_DIGITS,
            period: DEFAULT_PERIOD,
        }
    }
}

impl TotpParams {
    /// Checks digits and period against their bounds.
    ///
    /// # Errors
    /// [`Error::Digits`] outside [`MIN_OTP_DIGITS`]..=[`MAX_OTP_DIGITS`];
    /// [`Error::Period`] outside [`MIN_PERIOD`]..=[`MAX_PERIOD`].
    pub fn new(algorithm: Algorithm, digits: u32, period: u32) -> Result<Self> {
        if !(MIN_OTP_DIGITS..=MAX_OTP_DIGITS).contains(&digits) {
            return Err(Error::Digits);
        }
        if !(MIN_PERIOD..=MAX_PERIOD).contains(&period) {
            return Err(Error::Period);
        }
        Ok(Self {
            algorithm,
            digits,
            period,
        })
    }

    /// The hash function.
    #[must_use]
    pub const fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The number of digits.
    #[must_use]
    pub const fn digits(&self) -> u32 {
        self.digits
    }

    /// The step length in seconds.
    #[must_use]
    pub const fn period(&self) -> u32 {
        self.period
    }

    /// The time step that contains `time` (RFC 6238 §4.2, with T0 = 0).
    #[must_use]
    pub fn step_at(&self, time: u64) -> u64 {
        // `period` is at least MIN_PERIOD, never zero.
        time.checked_div(u64::from(self.period)).unwrap_or(0)
    }
}

/// An HOTP/TOTP shared secret with its HMAC state already keyed.
///
/// Keying once and cloning the state per counter is what makes checking a whole
/// drift window cheap.
#[derive(Clone)]
pub struct OtpKey {
    keyed: Keyed,
}

#[derive(Clone)]
enum Keyed {
    Sha1(Hmac<sha1::Sha1>),
    Sha256(Hmac<sha2::Sha256>),
    Sha512(Hmac<sha2::Sha512>),
}

impl core::fmt::Debug for OtpKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("OtpKey { ... }")
    }
}

impl OtpKey {
    /// Keys an HMAC with `secret`.
    ///
    /// # Errors
    /// [`Error::SecretLength`] outside [`MIN_SECRET_BYTES`]..=[`MAX_SECRET_BYTES`].
    pub fn new(secret: &[u8], algorithm: Algorithm) -> Result<Self> {
        if !(MIN_SECRET_BYTES..=MAX_SECRET_BYTES).contains(&secret.len()) {
            return Err(Error::SecretLength);
        }
        let keyed = match algorithm {
            Algorithm::Sha1 => Keyed::Sha1(keyed(secret)?),
            Algorithm::Sha256 => Keyed::Sha256(keyed(secret)?),
            Algorithm::Sha512 => Keyed::Sha512(keyed(secret)?),
        };
        Ok(Self { keyed })
    }

    /// The 31-bit dynamically truncated value for `counter` (RFC 4226 §5.3).
    fn truncated(&self, counter: u64) -> u32 {
        let counter = counter.to_be_bytes();
        match &self.keyed {
            Keyed::Sha1(mac) => truncated_mac(mac, &counter),
            Keyed::Sha256(mac) => truncated_mac(mac, &counter),
            Keyed::Sha512(mac) => truncated_mac(mac, &counter),
        }
    }

    /// The HOTP value for `counter`, reduced to `digits` decimal digits.
    fn value(&self, counter: u64, digits: u32) -> Result<u32> {
        let modulus = digits::modulus(digits)?;
        let value = u64::from(self.truncated(counter))
            .checked_rem(modulus)
            .ok_or(Error::Digits)?;
        u32::try_from(value).map_err(|_| Error::Digits)
    }
}

fn keyed<M: KeyInit>(secret: &[u8]) -> Result<M> {
    M::new_from_slice(secret).map_err(|_| Error::SecretLength)
}

/// HMAC of the big-endian counter under an already keyed state, dynamically truncated:
/// four bytes at the offset named by the low nibble of the last byte, top bit cleared.
fn truncated_mac<M: Mac + Clone>(keyed: &M, counter: &[u8; 8]) -> u32 {
    let tag = keyed.clone().chain_update(counter).finalize();
    let hmac = tag.as_bytes();
    let offset = hmac.last().map_or(0, |b| usize::from(b & 0x0f));
    // The offset is at most 15 and every digest here is at least 20 bytes, so `take(4)`
    // always yields four bytes; iterating instead of slicing keeps the code panic-free.
    let word = hmac
        .iter()
        .skip(offset)
        .take(4)
        .fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
    word & 0x7fff_ffff
}

/// The HOTP value for `counter` (RFC 4226), as a zero-padded string of `digits` digits.
///
/// # Errors
/// [`Error::Digits`] outside [`MIN_OTP_DIGITS`]..=[`MAX_OTP_DIGITS`].
pub fn hotp(key: &OtpKey, counter: u64, digits: u32) -> Result<String> {
    if !(MIN_OTP_DIGITS..=MAX_OTP_DIGITS).contains(&digits) {
        return Err(Error::Digits);
    }
    Ok(digits::format(
        u64::from(key.value(counter, digits)?),
        digits,
    ))
}

/// The TOTP value at unix time `time` (seconds).
///
/// # Errors
/// None in practice: `params` is already validated.
pub fn generate_totp(key: &OtpKey, time: u64, params: &TotpParams) -> Result<String> {
    hotp(key, params.step_at(time), params.digits)
}

/// The unix time in seconds (what RFC 6238 counts in) of a unix time in milliseconds
/// (what every other ruling takes).
#[must_use]
pub const fn unix_seconds(ms: u64) -> u64 {
    ms / 1000
}

/// The replay-guarded drift-window check of a TOTP.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TotpCheck {
    /// Unix time in seconds.
    pub time: u64,
    /// Steps accepted either side of the current one, at most [`MAX_WINDOW`].
    pub window: u32,
    /// The last step this secret was accepted at, if any: no step at or before it matches.
    pub after_step: Option<u64>,
}

/// Checks a TOTP token and returns the time step it matched, or `None`.
///
/// Steps are tried from the newest to the oldest, each compared in constant time, and
/// the first match is returned: it is the latest matching step, so storing it as the
/// next `after_step` refuses as much as possible. Only a match ends the loop early; a
/// wrong token always costs the whole window, so the timing tells an attacker nothing
/// beyond the outcome they are told anyway. Steps at or before `after_step` are
/// skipped: that is the replay guard of RFC 6238 §5.2.
///
/// # Errors
/// [`Error::CodeFormat`] when `token` is not exactly `params.digits()` ASCII digits;
/// [`Error::Window`] above [`MAX_WINDOW`].
pub fn verify_totp(
    key: &OtpKey,
    token: &str,
    params: &TotpParams,
    check: &TotpCheck,
) -> Result<Option<u64>> {
    let value =
        u32::try_from(digits::parse(token, params.digits)?).map_err(|_| Error::CodeFormat)?;
    verify_totp_value(key, value, params, check)
}

/// [`verify_totp`] for a token already parsed to its numeric value, as the wasm binding
/// passes it (a number crosses the boundary without an allocation).
///
/// # Errors
/// [`Error::CodeFormat`] when `value` has more than `params.digits()` digits;
/// [`Error::Window`] above [`MAX_WINDOW`].
pub fn verify_totp_value(
    key: &OtpKey,
    value: u32,
    params: &TotpParams,
    check: &TotpCheck,
) -> Result<Option<u64>> {
    if check.window > MAX_WINDOW {
        return Err(Error::Window);
    }
    if u64::from(value) >= digits::modulus(params.digits)? {
        return Err(Error::CodeFormat);
    }
    let now = params.step_at(check.time);
    let window = u64::from(check.window);
    let mut first = now.saturating_sub(window);
    let last = now.saturating_add(window);
    if let Some(used) = check.after_step {
        if used == u64::MAX {
            return Ok(None);
        }
        first = first.max(used.saturating_add(1));
    }
    for step in (first..=last).rev() {
        if bool::from(key.value(step, params.digits)?.ct_eq(&value)) {
            return Ok(Some(step));
        }
    }
    Ok(None)
}

/// The write that accepts TOTP time step `step` for an account, at most once: it holds
/// only while no later or equal step was accepted, so a replayed code, even one racing
/// in another process, is refused by the row count.
#[must_use]
pub fn totp_accept(step: u64) -> crate::guard::Write {
    use crate::guard::{Change, Field, Test, Write};
    Write::new()
        .when_any(&[
            (Field::TotpLastStep, Test::IsNull),
            (Field::TotpLastStep, Test::Below(step)),
        ])
        .change(Field::TotpLastStep, Change::Set(step))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_key() -> OtpKey {
        OtpKey::new(b"12345678901234567890", Algorithm::Sha1).unwrap()
    }

    #[test]
    fn params_are_bounded() {
        assert_eq!(TotpParams::new(Algorithm::Sha1, 5, 30), Err(Error::Digits));
        assert_eq!(TotpParams::new(Algorithm::Sha1, 9, 30), Err(Error::Digits));
        assert_eq!(TotpParams::new(Algorithm::Sha1, 6, 14), Err(Error::Period));
        assert_eq!(TotpParams::new(Algorithm::Sha1, 6, 121), Err(Error::Period));
        assert!(TotpParams::new(Algorithm::Sha512, 8, 60).is_ok());
    }

    #[test]
    fn secret_length_is_bounded() {
        assert_eq!(
            OtpKey::new(&[0; 15], Algorithm::Sha1).err(),
            Some(Error::SecretLength)
        );
        assert_eq!(
            OtpKey::new(&[0; 129], Algorithm::Sha1).err(),
            Some(Error::SecretLength)
        );
    }

    #[test]
    fn window_accepts_drift_and_reports_the_step() {
        let params = TotpParams::default();
        let key = rfc_key();
        let time = 1_111_111_109;
        let step = params.step_at(time);
        let previous = generate_totp(&key, time - 30, &params).unwrap();
        let check = TotpCheck {
            time,
            window: 1,
            after_step: None,
        };
        assert_eq!(
            verify_totp(&key, &previous, &params, &check),
            Ok(Some(step - 1))
        );
        let two_back = generate_totp(&key, time - 60, &params).unwrap();
        assert_eq!(verify_totp(&key, &two_back, &params, &check), Ok(None));
        let wide = TotpCheck { window: 2, ..check };
        assert_eq!(
            verify_totp(&key, &two_back, &params, &wide),
            Ok(Some(step - 2))
        );
    }

    #[test]
    fn replay_guard_refuses_used_and_earlier_steps() {
        let params = TotpParams::default();
        let key = rfc_key();
        let time = 1_234_567_890;
        let step = params.step_at(time);
        let token = generate_totp(&key, time, &params).unwrap();
        let check = |after_step| TotpCheck {
            time,
            window: 1,
            after_step,
        };
        assert_eq!(
            verify_totp(&key, &token, &params, &check(None)),
            Ok(Some(step))
        );
        assert_eq!(
            verify_totp(&key, &token, &params, &check(Some(step - 1))),
            Ok(Some(step))
        );
        assert_eq!(
            verify_totp(&key, &token, &params, &check(Some(step))),
            Ok(None)
        );
        assert_eq!(
            verify_totp(&key, &token, &params, &check(Some(step + 1))),
            Ok(None)
        );
        assert_eq!(
            verify_totp(&key, &token, &params, &check(Some(u64::MAX))),
            Ok(None)
        );
    }

    #[test]
    fn when_two_steps_match_the_latest_is_returned() {
        // For the RFC 4226 secret, steps 910_737 and 910_738 share the value 911617
        // (found by an exhaustive search with Python's hmac module).
        let params = TotpParams::default();
        let key = rfc_key();
        assert_eq!(hotp(&key, 910_737, 6).unwrap(), "911617");
        assert_eq!(hotp(&key, 910_738, 6).unwrap(), "911617");
        let check = TotpCheck {
            time: 910_737 * 30,
            window: 1,
            after_step: None,
        };
        assert_eq!(
            verify_totp(&key, "911617", &params, &check),
            Ok(Some(910_738))
        );
        // Replaying it is refused although the earlier step matches too.
        let replay = TotpCheck {
            after_step: Some(910_738),
            ..check
        };
        assert_eq!(verify_totp(&key, "911617", &params, &replay), Ok(None));
    }

    #[test]
    fn time_zero_and_the_far_future_do_not_underflow_or_overflow() {
        let params = TotpParams::default();
        let key = rfc_key();
        let token = generate_totp(&key, 0, &params).unwrap();
        let check = TotpCheck {
            time: 0,
            window: MAX_WINDOW,
            after_step: None,
        };
        assert_eq!(verify_totp(&key, &token, &params, &check), Ok(Some(0)));
        let check = TotpCheck {
            time: u64::MAX,
            window: MAX_WINDOW,
            after_step: None,
        };
        assert!(verify_totp(&key, "000000", &params, &check).is_ok());
    }

    #[test]
    fn malformed_tokens_and_windows_are_errors() {
        let params = TotpParams::default();
        let check = TotpCheck {
            time: 59,
            window: 1,
            after_step: None,
        };
        for bad in ["12345", "1234567", "12345a", "", " 12345"] {
            assert_eq!(
                verify_totp(&rfc_key(), bad, &params, &check),
                Err(Error::CodeFormat)
            );
        }
        let wide = TotpCheck {
            window: MAX_WINDOW + 1,
            ..check
        };
        assert_eq!(
            verify_totp(&rfc_key(), "123456", &params, &wide),
            Err(Error::Window)
        );
    }

    proptest::proptest! {
        #[test]
        fn generated_tokens_verify_at_their_step(time in 0u64..(1u64 << 40), alg in 0u8..3, digits in MIN_OTP_DIGITS..=MAX_OTP_DIGITS, secret in proptest::collection::vec(proptest::num::u8::ANY, MIN_SECRET_BYTES..=MAX_SECRET_BYTES)) {
            let algorithm = [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512][usize::from(alg)];
            let params = TotpParams::new(algorithm, digits, 30).unwrap();
            let key = OtpKey::new(&secret, algorithm).unwrap();
            let token = generate_totp(&key, time, &params).unwrap();
            let check = TotpCheck { time, window: 0, after_step: None };
            proptest::prop_assert_eq!(verify_totp(&key, &token, &params, &check), Ok(Some(params.step_at(time))));
        }

        #[test]
        fn verify_never_panics(token in ".{0,12}", time: u64, window in 0u32..=20, after: Option<u64>) {
            let check = TotpCheck { time, window, after_step: after };
            let _ = verify_totp(&rfc_key(), &token, &TotpParams::default(), &check);
        }
    }
}
