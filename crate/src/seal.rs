//! Sealing secrets at rest: XChaCha20-Poly1305, bound to associated data.
//!
//! A sealed TOTP secret is stored with the user's id as associated data, so a sealed
//! value copied onto another user's row does not open.

use alloc::{string::String, vec::Vec};
use base64ct::{Base64UrlUnpadded, Encoding as _};
use chacha20poly1305::XNonce;
use chacha20poly1305::aead::{Aead as _, Payload};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::key::SealKey;
use crate::{Error, Result};

/// Version prefix of the sealed text format: `v1.` then base64url(nonce ‖ ciphertext ‖ tag).
const PREFIX: &str = "v1.";
/// XChaCha20 nonce bytes: 192 bits, so random nonces never collide in practice.
const NONCE_BYTES: usize = 24;
/// Longest plaintext or associated data, in bytes.
pub const MAX_SEAL_BYTES: usize = 4096;

/// Seals `plaintext` under `key`, bound to `associated_data`, with a fresh random nonce.
///
/// # Errors
/// [`Error::SealLength`] for a plaintext or associated data above [`MAX_SEAL_BYTES`];
/// [`Error::Random`] when the generator fails.
pub fn seal<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
    key: &SealKey,
    plaintext: &[u8],
    associated_data: &[u8],
) -> Result<String> {
    if plaintext.len() > MAX_SEAL_BYTES || associated_data.len() > MAX_SEAL_BYTES {
        return Err(Error::SealLength);
    }
    let mut nonce = XNonce::default();
    rng.try_fill_bytes(&mut nonce).map_err(|_| Error::Random)?;
    let payload = Payload {
        msg: plaintext,
        aad: associated_data,
    };
    let sealed = key
        .cipher
        .encrypt(&nonce, payload)
        .map_err(|_| Error::SealLength)?;
    let mut out = Vec::with_capacity(NONCE_BYTES.saturating_add(sealed.len()));
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok([PREFIX, &Base64UrlUnpadded::encode_string(&out)].concat())
}

/// Opens a value made by [`seal`] with the same key and associated data.
///
/// # Errors
/// [`Error::Unseal`] when the text is malformed, the key is another, or the associated
/// data differs; the cause is not told apart, on purpose.
pub fn open(key: &SealKey, sealed: &str, associated_data: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let encoded = sealed.strip_prefix(PREFIX).ok_or(Error::Unseal)?;
    if encoded.len() > MAX_SEAL_BYTES.saturating_mul(2) {
        return Err(Error::Unseal);
    }
    let bytes = Base64UrlUnpadded::decode_vec(encoded).map_err(|_| Error::Unseal)?;
    if bytes.len() < NONCE_BYTES {
        return Err(Error::Unseal);
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
    let nonce = XNonce::try_from(nonce).map_err(|_| Error::Unseal)?;
    let payload = Payload {
        msg: ciphertext,
        aad: associated_data,
    };
    key.cipher
        .decrypt(&nonce, payload)
        .map(Zeroizing::new)
        .map_err(|_| Error::Unseal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    fn key(byte: u8) -> SealKey {
        SealKey::new(&[byte; 32]).unwrap()
    }

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_data() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let sealed = seal(&mut rng, &key(1), b"top secret", b"user:42").unwrap();
        assert!(sealed.starts_with("v1."));
        assert!(!sealed.contains("top secret"));
        assert_eq!(
            open(&key(1), &sealed, b"user:42")
                .as_deref()
                .map(Vec::as_slice),
            Ok(&b"top secret"[..])
        );
        assert_eq!(
            open(&key(1), &sealed, b"user:43").err(),
            Some(Error::Unseal)
        );
        assert_eq!(
            open(&key(2), &sealed, b"user:42").err(),
            Some(Error::Unseal)
        );
    }

    #[test]
    fn two_seals_of_the_same_value_differ() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let a = seal(&mut rng, &key(1), b"x", b"").unwrap();
        let b = seal(&mut rng, &key(1), b"x", b"").unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn tampering_is_detected() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let sealed = seal(&mut rng, &key(1), b"abc", b"ad").unwrap();
        let mut chars: Vec<char> = sealed.chars().collect();
        if let Some(c) = chars.last_mut() {
            *c = if *c == 'A' { 'B' } else { 'A' };
        }
        let tampered: String = chars.into_iter().collect();
        assert_eq!(open(&key(1), &tampered, b"ad").err(), Some(Error::Unseal));
        for bad in ["", "v1.", "v2.AAAA", "v1.!!!!", "v1.AAAA"] {
            assert_eq!(
                open(&key(1), bad, b"ad").err(),
                Some(Error::Unseal),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn length_limits() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let big = vec![0u8; MAX_SEAL_BYTES + 1];
        assert_eq!(
            seal(&mut rng, &key(1), &big, b"").err(),
            Some(Error::SealLength)
        );
        assert_eq!(
            seal(&mut rng, &key(1), b"", &big).err(),
            Some(Error::SealLength)
        );
    }

    proptest::proptest! {
        #[test]
        fn seal_then_open(seed: u64, msg in proptest::collection::vec(proptest::num::u8::ANY, 0..300), ad in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let sealed = seal(&mut rng, &key(7), &msg, &ad).unwrap();
            proptest::prop_assert_eq!(open(&key(7), &sealed, &ad).unwrap().to_vec(), msg);
        }

        #[test]
        fn open_never_panics(text in ".{0,200}") {
            let _ = open(&key(7), &text, b"");
        }
    }
}
