//! Opaque tokens (login challenges, trusted devices) and salts.

use alloc::string::String;
use base64ct::{Base64UrlUnpadded, Encoding as _};
use hmac::Mac as _;
use rand_core::TryCryptoRng;
use sha2::{Digest as _, Sha256};

use crate::code::MIN_SALT_BYTES;
use crate::key::HashKey;
use crate::{Error, Result};

/// Random bytes in a token: 256 bits, twice the 128 the design asks for.
pub const TOKEN_BYTES: usize = 32;
/// Characters of a token made by [`generate_token`]: `TOKEN_BYTES` as unpadded base64url.
pub const TOKEN_CHARS: usize = 43;
/// Longest token text the hashes take; far above any real token.
pub const MAX_TOKEN_INPUT_CHARS: usize = 1024;
/// Characters of a stored hash: 32 bytes as lowercase hex.
pub const HASH_HEX_CHARS: usize = 64;
/// Bytes in a salt made by [`generate_salt`].
pub const SALT_BYTES: usize = MIN_SALT_BYTES;

/// A fresh opaque token: 32 random bytes as unpadded base64url (43 characters).
///
/// # Errors
/// [`Error::Random`] when the generator fails.
pub fn generate_token<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<String> {
    let mut bytes = [0u8; TOKEN_BYTES];
    rng.try_fill_bytes(&mut bytes).map_err(|_| Error::Random)?;
    Ok(Base64UrlUnpadded::encode_string(&bytes))
}

/// The SHA-256 of a token, as 64 lowercase hex characters: what the database stores
/// and indexes.
///
/// A token carries 256 random bits, so an unkeyed hash cannot be reversed, and the
/// lookup keeps working across a rotation of the hashing key.
#[must_use]
pub fn hash_token(token: &str) -> String {
    crate::code::hex(&Sha256::digest(token.as_bytes()).into())
}

/// The HMAC-SHA-256 of a token under a server key, as 64 lowercase hex characters:
/// what the plugin stores and indexes for challenge and trusted-device tokens.
///
/// Keyed, so that a row written by anyone who lacks the server secret (a database
/// write, an API that reached the table) names no token that will ever match.
/// Deterministic, so that the lookup stays one indexed equality.
#[must_use]
pub fn keyed_token_hash(token: &str, key: &HashKey) -> String {
    let mut mac = key.hmac();
    mac.update(token.as_bytes());
    crate::code::hex(&crate::code::tag(mac))
}

/// A fresh random salt of [`SALT_BYTES`] bytes.
///
/// # Errors
/// [`Error::Random`] when the generator fails.
pub fn generate_salt<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<[u8; SALT_BYTES]> {
    let mut salt = [0u8; SALT_BYTES];
    rng.try_fill_bytes(&mut salt).map_err(|_| Error::Random)?;
    Ok(salt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn tokens_are_long_distinct_and_url_safe() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        let a = generate_token(&mut rng).unwrap();
        let b = generate_token(&mut rng).unwrap();
        assert_eq!(a.len(), TOKEN_CHARS);
        assert_ne!(a, b);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn token_hash_is_sha256_hex() {
        // SHA-256("abc"), FIPS 180-2 Appendix B.1.
        assert_eq!(hash_token("abc").len(), HASH_HEX_CHARS);
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn keyed_token_hash_is_hmac_sha256_hex() {
        // RFC 4231 test case 2 ("Jefe"), with the key padded to the 32-byte minimum:
        // HMAC pads short keys with zeros, so the tag is the RFC's.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let key = HashKey::new(&key).unwrap();
        assert_eq!(
            keyed_token_hash("what do ya want for nothing?", &key),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        let other = HashKey::new(&[1u8; 32]).unwrap();
        assert_ne!(keyed_token_hash("t", &key), keyed_token_hash("t", &other));
        assert_ne!(keyed_token_hash("t", &key), hash_token("t"));
    }

    #[test]
    fn salts_differ() {
        let mut rng = ChaCha20Rng::seed_from_u64(2);
        assert_ne!(generate_salt(&mut rng), generate_salt(&mut rng));
    }
}
