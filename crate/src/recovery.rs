//! Recovery codes: single-use look-up secrets for when the phone is lost.

use alloc::{string::String, vec::Vec};
use rand_core::TryCryptoRng;

use crate::code::{hash_code, verify_code};
use crate::key::HashKey;
use crate::{Error, Result};

/// Recovery codes made when the caller does not say.
pub const DEFAULT_RECOVERY_CODES: u32 = 10;
/// Fewest recovery codes per call.
pub const MIN_RECOVERY_CODES: u32 = 1;
/// Most recovery codes per call.
pub const MAX_RECOVERY_CODES: u32 = 50;
/// Longest typed recovery code read, in bytes: room for spaces, hyphens and a paste.
pub const MAX_RECOVERY_INPUT_BYTES: usize = 64;

/// 31 characters that cannot be mistaken for one another: no `0`/`o`, no `1`/`i`/`l`.
const ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";
/// Characters per code: 12 × log2(31) ≈ 59.4 bits, above the 50 the design asks for.
const CODE_CHARS: usize = 12;
/// Characters between hyphens when displayed: `abcd-efgh-jkmn`.
const GROUP: usize = 4;
/// Largest multiple of 31 that fits a byte: draws at or above it are rejected.
const ZONE: u8 = 248;

/// Makes `count` fresh recovery codes, formatted `xxxx-xxxx-xxxx`.
///
/// Each character is drawn uniformly by rejection sampling over a byte.
///
/// # Errors
/// [`Error::RecoveryCount`] outside [`MIN_RECOVERY_CODES`]..=[`MAX_RECOVERY_CODES`];
/// [`Error::Random`] when the generator fails.
pub fn generate_recovery_codes<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
    count: u32,
) -> Result<Vec<String>> {
    if !(MIN_RECOVERY_CODES..=MAX_RECOVERY_CODES).contains(&count) {
        return Err(Error::RecoveryCount);
    }
    let mut pool = RandomBytes::default();
    let mut codes = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    for _ in 0..count {
        let mut code = String::with_capacity(CODE_CHARS + CODE_CHARS / GROUP);
        for i in 0..CODE_CHARS {
            if i > 0 && i % GROUP == 0 {
                code.push('-');
            }
            code.push(pool.pick(rng)?);
        }
        codes.push(code);
    }
    Ok(codes)
}

/// A buffer of random bytes, refilled 64 at a time, so that a set of codes costs a
/// few calls to the generator rather than one per character.
struct RandomBytes {
    buf: [u8; 64],
    next: usize,
}

impl Default for RandomBytes {
    fn default() -> Self {
        Self {
            buf: [0; 64],
            next: 64,
        }
    }
}

impl RandomBytes {
    fn pick<R: TryCryptoRng + ?Sized>(&mut self, rng: &mut R) -> Result<char> {
        loop {
            let byte = match self.buf.get(self.next) {
                Some(&b) => b,
                None => {
                    rng.try_fill_bytes(&mut self.buf)
                        .map_err(|_| Error::Random)?;
                    self.next = 0;
                    continue;
                }
            };
            self.next = self.next.saturating_add(1);
            if byte < ZONE {
                let index = usize::from(byte % 31);
                return ALPHABET
                    .get(index)
                    .map(|&c| char::from(c))
                    .ok_or(Error::Random);
            }
        }
    }
}

/// The canonical form of a typed recovery code: lower case, hyphens and spaces removed.
///
/// # Errors
/// [`Error::RecoveryFormat`] unless what remains is 12 characters of the code alphabet.
pub fn normalize_recovery_code(input: &str) -> Result<String> {
    if input.len() > MAX_RECOVERY_INPUT_BYTES {
        return Err(Error::RecoveryFormat);
    }
    let canonical: String = input
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let valid = canonical.len() == CODE_CHARS && canonical.bytes().all(|b| ALPHABET.contains(&b));
    if valid {
        Ok(canonical)
    } else {
        Err(Error::RecoveryFormat)
    }
}

/// The keyed, salted hash of a recovery code, for storage; see [`crate::hash_code`].
///
/// # Errors
/// [`Error::RecoveryFormat`] for something that is not a recovery code, and the errors
/// of [`crate::hash_code`].
pub fn hash_recovery_code(code: &str, key: &HashKey, salt: &[u8]) -> Result<String> {
    hash_code(&normalize_recovery_code(code)?, key, salt)
}

/// Whether a typed recovery code matches its stored hash, in constant time.
///
/// Case, hyphens and spaces do not matter. Input that is not shaped like a recovery code
/// simply does not match.
///
/// # Errors
/// The errors of [`crate::verify_code`] for a malformed hash or salt.
pub fn verify_recovery_code(code: &str, hash: &str, key: &HashKey, salt: &[u8]) -> Result<bool> {
    let canonical = normalize_recovery_code(code);
    // Malformed input still pays for one MAC under a string no recovery code can be
    // ("-"), so that hash and salt are checked and the timing does not depend on it.
    let matched = verify_code(canonical.as_deref().unwrap_or("-"), hash, key, salt)?;
    Ok(matched && canonical.is_ok())
}

/// The write that makes way for a new set of recovery codes: the account's set number
/// moves on from `from` (the number the caller read before proving anything) to the next,
/// and only while it is still `from` (0 matches the null of rows made before sets were
/// numbered). Of any number of concurrent regenerations, or racing first factors, exactly
/// one makes a set. (`from` is a safe integer: the next number never wraps.)
#[must_use]
pub fn recovery_claim(from: u64) -> crate::guard::Write {
    use crate::guard::{Change, Field, Test, Write};
    let current = Write::new();
    let current = if from == 0 {
        current.when_any(&[
            (Field::RecoveryGeneration, Test::IsNull),
            (Field::RecoveryGeneration, Test::Equals(0)),
        ])
    } else {
        current.when(Field::RecoveryGeneration, Test::Equals(from))
    };
    current.change(
        Field::RecoveryGeneration,
        Change::Set(from.saturating_add(1)),
    )
}

/// The write that spends a recovery code at `now`: once, so of two requests with the same
/// code, one wins.
#[must_use]
pub fn recovery_spend(now: u64) -> crate::guard::Write {
    use crate::guard::{Change, Field, Test, Write};
    Write::new()
        .when(Field::UsedAt, Test::IsNull)
        .change(Field::UsedAt, Change::Set(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn key() -> HashKey {
        HashKey::new(&[9u8; 32]).unwrap()
    }

    #[test]
    fn codes_are_readable_and_distinct() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        let codes = generate_recovery_codes(&mut rng, DEFAULT_RECOVERY_CODES).unwrap();
        assert_eq!(codes.len(), 10);
        for code in &codes {
            assert_eq!(code.len(), 14);
            assert_eq!(code.matches('-').count(), 2);
            assert!(!code.contains(['0', '1', 'o', 'i', 'l']));
        }
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
    }

    #[test]
    fn count_is_bounded() {
        let mut rng = ChaCha20Rng::seed_from_u64(5);
        assert_eq!(
            generate_recovery_codes(&mut rng, 0),
            Err(Error::RecoveryCount)
        );
        assert_eq!(
            generate_recovery_codes(&mut rng, 51),
            Err(Error::RecoveryCount)
        );
    }

    #[test]
    fn typed_forms_verify() {
        let salt = [4u8; 16];
        let hash = hash_recovery_code("abcd-efgh-jkmn", &key(), &salt).unwrap();
        for typed in [
            "abcd-efgh-jkmn",
            "ABCD EFGH JKMN",
            "abcdefghjkmn",
            " abcd-efgh-jkmn\n",
        ] {
            assert_eq!(
                verify_recovery_code(typed, &hash, &key(), &salt),
                Ok(true),
                "{typed:?}"
            );
        }
        for wrong in ["abcd-efgh-jkmp", "abcd-efgh-jkm", "123456", ""] {
            assert_eq!(
                verify_recovery_code(wrong, &hash, &key(), &salt),
                Ok(false),
                "{wrong:?}"
            );
        }
        assert_eq!(
            hash_recovery_code("0000-0000-0000", &key(), &salt),
            Err(Error::RecoveryFormat)
        );
    }

    #[test]
    fn every_character_of_the_alphabet_appears() {
        let mut rng = ChaCha20Rng::seed_from_u64(11);
        let codes = generate_recovery_codes(&mut rng, 50).unwrap().concat();
        for &c in ALPHABET {
            assert!(codes.contains(char::from(c)));
        }
    }

    proptest::proptest! {
        #[test]
        fn generated_codes_hash_and_verify(seed: u64) {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let salt = [1u8; 16];
            for code in generate_recovery_codes(&mut rng, 3).unwrap() {
                let hash = hash_recovery_code(&code, &key(), &salt).unwrap();
                proptest::prop_assert_eq!(verify_recovery_code(&code, &hash, &key(), &salt), Ok(true));
            }
        }

        #[test]
        fn normalize_never_panics(text in ".{0,80}") {
            let _ = normalize_recovery_code(&text);
        }
    }
}
