//! Sealing secrets at rest: XChaCha20-Poly1305, bound to associated data.
//!
//! A sealed TOTP secret is stored with the user's id as associated data, so a sealed
//! value copied onto another user's row does not open.

use alloc::{string::String, vec::Vec};
use base64ct::{Base64UrlUnpadded, Encoding as _};
use chacha20poly1305::aead::AeadInOut as _;
use chacha20poly1305::{Tag, XNonce};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::key::SealKey;
use crate::{Error, Result};

/// Version prefix of the sealed text format: `v1.` then base64url(nonce ‖ ciphertext ‖ tag).
const PREFIX: &str = "v1.";
/// XChaCha20 nonce bytes: 192 bits, so random nonces never collide in practice.
const NONCE_BYTES: usize = 24;
/// Poly1305's tag, after the ciphertext.
const TAG_BYTES: usize = 16;
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
    // nonce || ciphertext || tag, the ciphertext made in place over a copy of the
    // plaintext (which it overwrites).
    let mut out = Vec::with_capacity(
        NONCE_BYTES
            .saturating_add(plaintext.len())
            .saturating_add(TAG_BYTES),
    );
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let (_, message) = out.split_at_mut(NONCE_BYTES);
    let tag = key
        .cipher
        .encrypt_inout_detached(&nonce, associated_data, message.into())
        .map_err(|_| Error::SealLength)?;
    out.extend_from_slice(&tag);
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
    // Zeroizing: once opened in place, these bytes hold the plaintext.
    let mut bytes =
        Zeroizing::new(Base64UrlUnpadded::decode_vec(encoded).map_err(|_| Error::Unseal)?);
    let length = bytes
        .len()
        .checked_sub(NONCE_BYTES.saturating_add(TAG_BYTES))
        .ok_or(Error::Unseal)?;
    let (nonce, rest) = bytes.split_at_mut(NONCE_BYTES);
    let (message, tag) = rest.split_at_mut(length);
    let nonce = XNonce::try_from(&*nonce).map_err(|_| Error::Unseal)?;
    let tag = Tag::try_from(&*tag).map_err(|_| Error::Unseal)?;
    key.cipher
        .decrypt_inout_detached(&nonce, associated_data, message.into(), &tag)
        .map_err(|_| Error::Unseal)?;
    // The plaintext to the front, and nothing after it.
    bytes.copy_within(NONCE_BYTES..NONCE_BYTES.saturating_add(length), 0);
    bytes.truncate(length);
    Ok(bytes)
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

    /// The layout is the AEAD's own (`nonce || ciphertext || tag`): what `Aead::encrypt`
    /// seals opens here, and what is sealed here opens with `Aead::decrypt`.
    #[test]
    fn the_layout_is_the_aead_one() {
        use chacha20poly1305::aead::{Aead, Payload};
        let key = key(5);
        let nonce = XNonce::from([9u8; NONCE_BYTES]);
        let theirs = key
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: b"secret",
                    aad: b"ad",
                },
            )
            .unwrap();
        let sealed = [
            PREFIX,
            &Base64UrlUnpadded::encode_string(&[&nonce[..], &theirs].concat()),
        ]
        .concat();
        assert_eq!(open(&key, &sealed, b"ad").unwrap().as_slice(), b"secret");
        let ours = seal(&mut ChaCha20Rng::seed_from_u64(3), &key, b"secret", b"ad").unwrap();
        let bytes = Base64UrlUnpadded::decode_vec(&ours[PREFIX.len()..]).unwrap();
        let (nonce, rest) = bytes.split_at(NONCE_BYTES);
        let opened = key
            .cipher
            .decrypt(
                &XNonce::try_from(nonce).unwrap(),
                Payload {
                    msg: rest,
                    aad: b"ad",
                },
            )
            .unwrap();
        assert_eq!(opened, b"secret");
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
