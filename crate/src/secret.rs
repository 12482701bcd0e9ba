//! TOTP secrets: generation and RFC 4648 base32, the form authenticator apps take.

use alloc::{string::String, vec, vec::Vec};
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
/// The encoder has no data-dependent branches or table look-ups, like `base32ct`'s (the
/// tests check the two agree): a secret's bits do not show in the time taken.
#[must_use]
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().saturating_mul(8).div_ceil(5));
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    for &byte in bytes {
        acc = acc.wrapping_shl(8) | u32::from(byte);
        bits = bits.saturating_add(8);
        while bits >= 5 {
            bits = bits.saturating_sub(5);
            out.push(encode_char(acc >> bits));
        }
        acc &= low_bits(bits);
    }
    if bits > 0 {
        out.push(encode_char(acc.wrapping_shl(5_u32.saturating_sub(bits))));
    }
    out
}

/// A mask of the low `bits` bits (fewer than 32).
fn low_bits(bits: u32) -> u32 {
    1_u32.wrapping_shl(bits).wrapping_sub(1)
}

/// The base32 character for the low five bits of `value`: `A`..`Z` for 0..=25, `2`..`7`
/// for 26..=31, chosen by arithmetic rather than a branch or a table.
fn encode_char(value: u32) -> char {
    let v = value & 31;
    // 0 when v <= 25, else all ones: then '2' - 26 replaces 'A' as the base.
    let above = 25_u32.wrapping_sub(v) >> 8;
    let base = u32::from(b'A') ^ (above & (u32::from(b'A') ^ u32::from(b'2').wrapping_sub(26)));
    char::from_u32(base.wrapping_add(v)).unwrap_or('A')
}

/// The value of an upper-case base32 character, or -1, by arithmetic as [`encode_char`].
fn decode_char(byte: u8) -> i32 {
    let c = i32::from(byte);
    // Each term is the character's value plus one within its range ('A'..='Z', then
    // '2'..='7'), and 0 outside it: both bounds negative makes the mask all ones.
    let letter =
        (0x40_i32.wrapping_sub(c) & c.wrapping_sub(0x5b)).wrapping_shr(8) & c.wrapping_sub(64);
    let digit =
        (0x31_i32.wrapping_sub(c) & c.wrapping_sub(0x38)).wrapping_shr(8) & c.wrapping_sub(23);
    (-1_i32).wrapping_add(letter).wrapping_add(digit)
}

/// Decodes RFC 4648 base32 in either case, with or without `=` padding.
///
/// Like the encoder, the decoding of each character has no data-dependent branch or
/// look-up; only the verdict on the whole text is a branch.
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
    // 1, 3 or 6 characters past a whole group cannot end a text of whole bytes.
    if matches!(unpadded.len() % 8, 1 | 3 | 6) {
        return Err(Error::Base32);
    }
    let upper = Zeroizing::new(unpadded.to_ascii_uppercase());
    let mut out = Zeroizing::new(Vec::with_capacity(upper.len().saturating_mul(5) / 8));
    let mut acc: u32 = 0;
    let mut bits: u32 = 0;
    let mut invalid: i32 = 0;
    for &byte in upper.as_bytes() {
        let value = decode_char(byte);
        invalid |= value;
        acc = acc.wrapping_shl(5) | u32::try_from(value & 31).unwrap_or(0);
        bits = bits.saturating_add(5);
        if bits >= 8 {
            bits = bits.saturating_sub(8);
            let [byte, ..] = acc.wrapping_shr(bits).to_le_bytes();
            out.push(byte);
            acc &= low_bits(bits);
        }
    }
    // A negative value marked a bad character. Leftover bits (fewer than a byte) are
    // dropped, as base32ct drops them.
    if invalid < 0 {
        return Err(Error::Base32);
    }
    Ok(out)
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

        /// The hand-written coder gives exactly what `base32ct` (which it replaced, to
        /// keep the wasm small) gives: the same text, and the same answer on any input.
        #[test]
        fn base32_is_base32ct(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..70), text in "[A-Za-z2-9=+ ]{0,40}") {
            use base32ct::{Base32UpperUnpadded, Encoding as _};
            proptest::prop_assert_eq!(base32_encode(&bytes), Base32UpperUnpadded::encode_string(&bytes));
            let reference = |text: &str| -> Option<Vec<u8>> {
                let unpadded = text.trim_end_matches('=');
                if text.len() - unpadded.len() > 6 {
                    return None;
                }
                Base32UpperUnpadded::decode_vec(&unpadded.to_ascii_uppercase()).ok()
            };
            proptest::prop_assert_eq!(base32_decode(&text).ok().map(|b| b.to_vec()), reference(&text));
            let encoded = base32_encode(&bytes);
            proptest::prop_assert_eq!(base32_decode(&encoded).ok().map(|b| b.to_vec()), reference(&encoded));
        }
    }
}
