//! TOTP secrets: generation and RFC 4648 base32, the form authenticator apps take.

use alloc::{string::String, vec, vec::Vec};
use base32ct::{Base32UpperUnpadded, Encoding as _};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// Fewest bytes [`generate_secret`] makes: 160 bits, the RFC 4226 §4 recommendation
/// (NIST SP 800-63B asks for at least 112).
pub const MIN_GENERATED_SECRET_BYTES: usize = 20;
/// Bytes [`generate_secret`] makes when the caller does not say.
pub const DEFAULT_SECRET_BYTES: usize = 20;
/// Most bytes [`generate_secret`] makes (the RFC 6238 SHA-512 seed length).
pub const MAX_GENERATED_SECRET_BYTES: usize = 64;
/// Longest base32 text [`base32_decode`] reads; far above any real secret.
pub const MAX_BASE32_CHARS: usize = 1024;

/// A fresh random secret of `bytes` bytes.
///
/// # Errors
/// [`Error::SecretLength`] outside
/// [`MIN_GENERATED_SECRET_BYTES`]..=[`MAX_GENERATED_SECRET_BYTES`];
/// [`Error::Random`] when the generator fails.
pub fn generate_secret<R: TryCryptoRng + ?Sized>(
    rng: &mut R,
    bytes: usize,
) -> Result<Zeroizing<Vec<u8>>> {
    if !(MIN_GENERATED_SECRET_BYTES..=MAX_GENERATED_SECRET_BYTES).contains(&bytes) {
        return Err(Error::SecretLength);
    }
    let mut secret = Zeroizing::new(vec![0u8; bytes]);
    rng.try_fill_bytes(&mut secret).map_err(|_| Error::Random)?;
    Ok(secret)
}

/// Upper-case, unpadded RFC 4648 base32, as authenticator apps expect.
///
/// The encoder has no data-dependent branches or table look-ups (`base32ct`): a
/// secret's bits do not show in the time taken.
#[must_use]
pub fn base32_encode(bytes: &[u8]) -> String {
    Base32UpperUnpadded::encode_string(bytes)
}

/// Decodes RFC 4648 base32 in either case, with or without `=` padding (`base32ct`,
/// which drops leftover bits past the last whole byte).
///
/// # Errors
/// [`Error::Base32`] for any other character, an impossible length, more than six `=`,
/// or more than [`MAX_BASE32_CHARS`] characters.
pub fn base32_decode(text: &str) -> Result<Zeroizing<Vec<u8>>> {
    if text.len() > MAX_BASE32_CHARS {
        return Err(Error::Base32);
    }
    let unpadded = text.trim_end_matches('=');
    if text.len().saturating_sub(unpadded.len()) > 6 {
        return Err(Error::Base32);
    }
    let upper = Zeroizing::new(unpadded.to_ascii_uppercase());
    Base32UpperUnpadded::decode_vec(&upper)
        .map(Zeroizing::new)
        .map_err(|_| Error::Base32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    #[test]
    fn rfc4648_vectors() {
        // RFC 4648 §10.
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "MY"),
            (b"fo", "MZXQ"),
            (b"foo", "MZXW6"),
            (b"foob", "MZXW6YQ"),
            (b"fooba", "MZXW6YTB"),
            (b"foobar", "MZXW6YTBOI"),
        ];
        for (bytes, text) in cases {
            assert_eq!(base32_encode(bytes), text);
            assert_eq!(base32_decode(text).as_deref().map(Vec::as_slice), Ok(bytes));
        }
        assert_eq!(
            base32_decode("mzxw6ytboi======")
                .as_deref()
                .map(Vec::as_slice),
            Ok(&b"foobar"[..])
        );
    }

    #[test]
    fn bad_base32_is_refused() {
        for bad in [
            "MZXW6YTB1",
            "MZ XW",
            "M",
            "MZX",
            "MZXW6YTBOI=======",
            "MZ-X",
        ] {
            assert_eq!(base32_decode(bad).err(), Some(Error::Base32), "{bad:?}");
        }
        assert_eq!(
            base32_decode(&"A".repeat(MAX_BASE32_CHARS + 8)).err(),
            Some(Error::Base32)
        );
    }

    #[test]
    fn secrets_have_the_requested_length_and_differ() {
        let mut rng = ChaCha20Rng::seed_from_u64(3);
        let a = generate_secret(&mut rng, 20).unwrap();
        let b = generate_secret(&mut rng, 20).unwrap();
        assert_eq!(a.len(), 20);
        assert_ne!(a, b);
        assert_eq!(
            generate_secret(&mut rng, 19).err(),
            Some(Error::SecretLength)
        );
        assert_eq!(
            generate_secret(&mut rng, 65).err(),
            Some(Error::SecretLength)
        );
    }

    proptest::proptest! {
        #[test]
        fn base32_round_trips(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let text = base32_encode(&bytes);
            proptest::prop_assert_eq!(base32_decode(&text).unwrap().to_vec(), bytes.clone());
            proptest::prop_assert_eq!(base32_decode(&text.to_ascii_lowercase()).unwrap().to_vec(), bytes);
        }

        #[test]
        fn base32_decode_never_panics(text in ".{0,100}") {
            let _ = base32_decode(&text);
        }
    }
}
