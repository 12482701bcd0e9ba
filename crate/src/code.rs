//! One-time codes for SMS and e-mail: generation, keyed hashing, constant-time check.

use alloc::string::String;
use hmac::{KeyInit as _, Mac};
use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq;

use crate::key::HashKey;
use crate::{Error, Result, digits};

/// Fewest digits a one-time code may have (NIST SP 800-63B: at least 6, about 20 bits).
pub const MIN_CODE_DIGITS: u32 = 6;
/// Most digits a one-time code may have.
pub const MAX_CODE_DIGITS: u32 = 10;
/// Digits of a one-time code when the caller does not say.
pub const DEFAULT_CODE_DIGITS: u32 = 6;
/// Shortest per-challenge salt, in bytes.
pub const MIN_SALT_BYTES: usize = 16;
/// Longest per-challenge salt, in bytes.
pub const MAX_SALT_BYTES: usize = 64;
/// Longest code `hash_code` accepts, in bytes (recovery codes included).
pub const MAX_CODE_BYTES: usize = 64;

/// HMAC-SHA-256, the keyed hash of every stored code.
pub(crate) type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// HMAC-SHA-256 keyed with `key` (any length: a long key is hashed first). Every keyed
/// hash of the crate starts here, so the wasm holds one copy of the keying.
#[inline(never)]
pub(crate) fn keyed(key: &[u8]) -> Result<HmacSha256> {
    HmacSha256::new_from_slice(key).map_err(|_| Error::KeyTooLong)
}

/// The tag of a finished HMAC-SHA-256. Every keyed hash of the crate ends here, so the
/// wasm holds one copy of the finalisation rather than one per caller.
#[inline(never)]
pub(crate) fn tag(mac: HmacSha256) -> [u8; 32] {
    mac.finalize().into_bytes().into()
}

/// A 32-byte digest as 64 lowercase hex characters (one copy, as for [`tag`]).
#[inline(never)]
pub(crate) fn hex(digest: &[u8; 32]) -> String {
    base16ct::lower::encode_string(digest)
}

/// Draws a uniformly random code of `digits` decimal digits.
///
/// # Errors
/// [`Error::Digits`] outside [`MIN_CODE_DIGITS`]..=[`MAX_CODE_DIGITS`];
/// [`Error::Random`] when the generator fails.
pub fn generate_code<R: TryCryptoRng + ?Sized>(rng: &mut R, digits: u32) -> Result<String> {
    Ok(digits::format(generate_code_value(rng, digits)?, digits))
}

/// [`generate_code`] as a number below `10^digits`, for callers that pad it themselves
/// (the wasm binding: a number crosses the boundary without an allocation).
///
/// Uses rejection sampling: a 64-bit draw below `2^64 mod 10^digits` is thrown away,
/// so every code is exactly equally likely (a bare `% 10^digits` would favour low codes).
///
/// # Errors
/// As [`generate_code`].
pub fn generate_code_value<R: TryCryptoRng + ?Sized>(rng: &mut R, digits: u32) -> Result<u64> {
    if !(MIN_CODE_DIGITS..=MAX_CODE_DIGITS).contains(&digits) {
        return Err(Error::Digits);
    }
    let n = digits::modulus(digits)?;
    // 2^64 mod n: the size of the biased tail at the bottom of the range.
    let threshold = n.wrapping_neg().checked_rem(n).ok_or(Error::Digits)?;
    loop {
        let draw = rng.try_next_u64().map_err(|_| Error::Random)?;
        if draw >= threshold {
            return draw.checked_rem(n).ok_or(Error::Digits);
        }
    }
}

/// Checks a salt's length.
fn check_salt(salt: &[u8]) -> Result<()> {
    if (MIN_SALT_BYTES..=MAX_SALT_BYTES).contains(&salt.len()) {
        Ok(())
    } else {
        Err(Error::SaltLength)
    }
}

/// The MAC of `salt || code` under `key`.
fn mac(code: &str, key: &HashKey, salt: &[u8]) -> Result<HmacSha256> {
    check_salt(salt)?;
    if code.is_empty() || code.len() > MAX_CODE_BYTES {
        return Err(Error::CodeFormat);
    }
    let mut mac = key.hmac();
    mac.update(salt);
    mac.update(code.as_bytes());
    Ok(mac)
}

/// The keyed hash of a code, as 64 lowercase hex characters, for storage.
///
/// HMAC-SHA-256 with a server key and a per-challenge salt: without the key, a stolen
/// table of hashes cannot be brute-forced over the small space of 6-digit codes.
///
/// # Errors
/// [`Error::SaltLength`] for a salt outside [`MIN_SALT_BYTES`]..=[`MAX_SALT_BYTES`];
/// [`Error::CodeFormat`] for an empty code or one longer than [`MAX_CODE_BYTES`].
pub fn hash_code(code: &str, key: &HashKey, salt: &[u8]) -> Result<String> {
    Ok(hex(&tag(mac(code, key, salt)?)))
}

/// Whether `code` matches a hash made by [`hash_code`] with the same key and salt.
///
/// The comparison runs in constant time; the hex decoding is constant-time as well.
///
/// # Errors
/// As [`hash_code`], plus [`Error::HashFormat`] when `hash` is not 64 lowercase hex characters.
pub fn verify_code(code: &str, hash: &str, key: &HashKey, salt: &[u8]) -> Result<bool> {
    let mut expected = [0u8; 32];
    let decoded =
        base16ct::lower::decode(hash.as_bytes(), &mut expected).map_err(|_| Error::HashFormat)?;
    if decoded.len() != 32 {
        return Err(Error::HashFormat);
    }
    let tag = tag(mac(code, key, salt)?);
    Ok(bool::from(tag.ct_eq(&expected)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::{SeedableRng, TryRng};

    fn key() -> HashKey {
        HashKey::new(&[7u8; 32]).unwrap()
    }

    #[test]
    fn codes_have_the_requested_length() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for digits in MIN_CODE_DIGITS..=MAX_CODE_DIGITS {
            let code = generate_code(&mut rng, digits).unwrap();
            assert_eq!(code.len(), digits as usize);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    /// Yields the given draws in order: a generator the test controls.
    struct Scripted(Vec<u64>);

    impl TryRng for Scripted {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> core::result::Result<u32, Self::Error> {
            Ok(0)
        }
        fn try_next_u64(&mut self) -> core::result::Result<u64, Self::Error> {
            Ok(self.0.remove(0))
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> core::result::Result<(), Self::Error> {
            Ok(())
        }
    }
    impl TryCryptoRng for Scripted {}

    #[test]
    fn draws_in_the_biased_tail_are_rejected() {
        // 2^64 mod 10^6 = 551_616: draws below it would make low codes more likely.
        let mut rng = Scripted(vec![0, 551_615, 551_616 + 1_000_000]);
        assert_eq!(generate_code(&mut rng, 6).unwrap(), "551616");
        assert!(
            rng.0.is_empty(),
            "both tail draws were consumed and thrown away"
        );
    }

    #[test]
    fn digits_out_of_range_are_refused() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        for digits in [0, 4, 5, 11, u32::MAX] {
            assert_eq!(generate_code(&mut rng, digits), Err(Error::Digits));
        }
    }

    #[test]
    fn hash_then_verify() {
        let salt = [1u8; 16];
        let hash = hash_code("123456", &key(), &salt).unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(verify_code("123456", &hash, &key(), &salt), Ok(true));
        assert_eq!(verify_code("123457", &hash, &key(), &salt), Ok(false));
        assert_eq!(verify_code("123456", &hash, &key(), &[2u8; 16]), Ok(false));
        let other = HashKey::new(&[8u8; 32]).unwrap();
        assert_eq!(verify_code("123456", &hash, &other, &salt), Ok(false));
    }

    #[test]
    fn known_answer() {
        // HMAC-SHA-256(key = 0x07 * 32, 0x01 * 16 || "123456"), computed with an
        // independent implementation (Python's hmac module).
        let hash = hash_code("123456", &key(), &[1u8; 16]).unwrap();
        assert_eq!(hash, KNOWN_HASH);
    }
    const KNOWN_HASH: &str = "88c235568e2f1a2ccb1409130178c7216268ff4b6463e308b52002ac970a400a";

    #[test]
    fn malformed_inputs_are_errors() {
        let salt = [1u8; 16];
        assert_eq!(hash_code("1", &key(), &[0u8; 15]), Err(Error::SaltLength));
        assert_eq!(hash_code("1", &key(), &[0u8; 65]), Err(Error::SaltLength));
        assert_eq!(hash_code("", &key(), &salt), Err(Error::CodeFormat));
        assert_eq!(
            verify_code("1", "zz", &key(), &salt),
            Err(Error::HashFormat)
        );
        let upper = "A".repeat(64);
        assert_eq!(
            verify_code("1", &upper, &key(), &salt),
            Err(Error::HashFormat)
        );
    }

    proptest::proptest! {
        #[test]
        fn generate_then_verify(seed: u64, digits in MIN_CODE_DIGITS..=MAX_CODE_DIGITS, salt in proptest::collection::vec(proptest::num::u8::ANY, 16..=64)) {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let code = generate_code(&mut rng, digits).unwrap();
            let hash = hash_code(&code, &key(), &salt).unwrap();
            proptest::prop_assert_eq!(verify_code(&code, &hash, &key(), &salt), Ok(true));
        }

        #[test]
        fn verify_never_panics(code in ".{0,80}", hash in ".{0,80}", salt in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let _ = verify_code(&code, &hash, &key(), &salt);
        }
    }
}
