//! The server keyring and the webhook signature, over the boundary.
//!
//! A `Keyring` lives in wasm memory: its derived keys never cross into JS, and are wiped
//! when JS frees it (or its finalizer runs). Verifications answer the position of the
//! key that matched (0 for the current secret), or -1 for no match.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use two_factor_core::{self as core, Error, KeyUsed};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{Out, random::PooledRng, whole};

/// A match as a number: the key's position, or -1 when no key matched.
fn matched(result: Result<KeyUsed, Error>) -> Out<f64> {
    match result {
        Ok(used) => Ok(u32::try_from(used.index())
            .map(f64::from)
            .map_err(|_| Error::SecretCount)?),
        Err(Error::Mismatch) => Ok(-1.0),
        Err(e) => Err(e.into()),
    }
}

/// A [`core::Keyring`] for JS.
#[wasm_bindgen]
pub struct Keyring {
    inner: core::Keyring,
}

#[wasm_bindgen]
impl Keyring {
    /// Derives the keys. The previous secrets cross as one array, `previous`, cut into
    /// secrets of `lengths[i]` bytes each, in order.
    #[wasm_bindgen(constructor)]
    pub fn new(context: &str, current: &[u8], previous: &[u8], lengths: &[u32]) -> Out<Keyring> {
        // Our own copy of the concatenated secrets, wiped on return.
        let previous = Zeroizing::new(previous.to_vec());
        let mut rest: &[u8] = &previous;
        let mut secrets = Vec::with_capacity(lengths.len());
        for &length in lengths {
            let length = usize::try_from(length).map_err(|_| Error::KeyTooLong)?;
            if length > rest.len() {
                return Err(Error::KeyTooShort.into());
            }
            let (secret, tail) = rest.split_at(length);
            secrets.push(secret);
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(Error::KeyTooLong.into());
        }
        Ok(Self {
            inner: core::Keyring::new(context, current, &secrets)?,
        })
    }

    /// The keyed, salted hash of a one-time code (a recovery code when `recovery`)
    /// under the current key.
    #[wasm_bindgen(js_name = hashCode)]
    pub fn hash_code(&self, code: &str, salt: &[u8], recovery: bool) -> Out<String> {
        Ok(if recovery {
            self.inner.hash_recovery_code(code, salt)?
        } else {
            self.inner.hash_code(code, salt)?
        })
    }

    /// Which key `code` (a typed recovery code when `recovery`) matches `hash` under:
    /// its position, or -1.
    #[wasm_bindgen(js_name = verifyCode)]
    pub fn verify_code(&self, code: &str, hash: &str, salt: &[u8], recovery: bool) -> Out<f64> {
        matched(if recovery {
            self.inner.verify_recovery_code(code, hash, salt)
        } else {
            self.inner.verify_code(code, hash, salt)
        })
    }

    /// The keyed hash of a token under the current key, or of a subject counted by a
    /// limit when `subject`.
    #[wasm_bindgen(js_name = tokenHash)]
    #[must_use]
    pub fn token_hash(&self, token: &str, subject: bool) -> String {
        if subject {
            self.inner.subject_hash(token)
        } else {
            self.inner.token_hash(token)
        }
    }

    /// The keyed hash of a token under every key, current first.
    #[wasm_bindgen(js_name = tokenHashes)]
    #[must_use]
    pub fn token_hashes(&self, token: &str) -> Vec<String> {
        self.inner.token_hashes(token)
    }

    /// Seals `plaintext` under the current key, bound to `associated_data`.
    pub fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Out<String> {
        Ok(self
            .inner
            .seal(&mut PooledRng, plaintext, associated_data)?)
    }

    /// Opens a sealed value: the position of the key that opened it, then the plaintext.
    pub fn open(&self, sealed: &str, associated_data: &[u8]) -> Out<Vec<u8>> {
        let (plaintext, used) = self.inner.open(sealed, associated_data)?;
        let index = u8::try_from(used.index()).map_err(|_| Error::SecretCount)?;
        let mut out = Vec::with_capacity(plaintext.len().saturating_add(1));
        out.push(index);
        out.extend_from_slice(&plaintext);
        Ok(out)
    }
}

/// `sha256=` and the hex HMAC-SHA-256 of `"{timestamp}.{body}"` under `secret`, with the
/// timestamp in unix seconds: `time` itself, or `time` in unix ms made seconds when
/// `in_ms`. Answers `[timestamp, signature]`.
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(secret: &[u8], time: f64, in_ms: bool, body: &str) -> Out<Vec<String>> {
    let time = whole(time)?;
    let signed = if in_ms {
        core::sign_webhook(secret, time, body)?
    } else {
        core::SignedWebhook {
            timestamp: time,
            signature: core::webhook_signature(secret, time, body)?,
        }
    };
    Ok(vec![signed.timestamp_header(), signed.signature])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fault;

    fn fault(e: Error) -> Fault {
        e.into()
    }

    #[test]
    fn previous_secrets_are_cut_by_their_lengths() {
        let (a, b) = ([1u8; 32], [2u8; 40]);
        let joined = [&a[..], &b[..]].concat();
        let ring = Keyring::new("ctx", &[0u8; 32], &joined, &[32, 40]).ok();
        let expected = core::Keyring::new("ctx", &[0u8; 32], &[&a, &b]).ok();
        assert_eq!(
            ring.map(|r| r.token_hashes("t")),
            expected.map(|r| r.token_hashes("t"))
        );
        let short = fault(Error::KeyTooShort);
        let long = fault(Error::KeyTooLong);
        for (lengths, error) in [
            (&[32, 41][..], short),
            (&[32, 39][..], long),
            (&[32][..], long),
            (&[][..], long),
        ] {
            let result = Keyring::new("ctx", &[0u8; 32], &joined, lengths);
            assert_eq!(result.err(), Some(error), "{lengths:?}");
        }
    }

    #[test]
    fn verifications_return_the_key_position_or_minus_one() {
        let old = [1u8; 32];
        let ring = Keyring::new("ctx", &[0u8; 32], &old, &[32]).ok();
        let previous = core::Keyring::new("ctx", &old, &[]).ok();
        let salt = [3u8; 16];
        let (Some(ring), Some(previous)) = (ring, previous) else {
            panic!("keyrings");
        };
        let Ok(stale) = previous.hash_code("123456", &salt) else {
            panic!("hash");
        };
        let Ok(current) = ring.hash_code("123456", &salt, false) else {
            panic!("hash");
        };
        assert_eq!(ring.verify_code("123456", &current, &salt, false), Ok(0.0));
        assert_eq!(ring.verify_code("123456", &stale, &salt, false), Ok(1.0));
        assert_eq!(ring.verify_code("654321", &current, &salt, false), Ok(-1.0));
        assert_eq!(
            ring.verify_code("123456", "zz", &salt, false),
            Err(fault(Error::HashFormat))
        );
        let sealed = previous.seal(&mut PooledRng, b"x", b"ad");
        let opened = sealed.ok().map(|s| ring.open(&s, b"ad"));
        assert_eq!(opened, Some(Ok(vec![1, b'x'])));
    }

    #[test]
    fn webhook_timestamps_must_be_whole() {
        assert!(sign_webhook(b"k", 1.0, false, "").is_ok());
        let time = Err(fault(Error::Time));
        assert_eq!(sign_webhook(b"k", 1.5, false, ""), time);
        assert_eq!(sign_webhook(b"k", f64::NAN, false, ""), time);
        assert_eq!(sign_webhook(b"k", -1.0, false, ""), time);
        let signed = sign_webhook(b"k", 1_700_000_000_999.0, true, "{}");
        let at_seconds = sign_webhook(b"k", 1_700_000_000.0, false, "{}");
        assert_eq!(signed, at_seconds);
        assert_eq!(
            signed.ok().and_then(|s| s.first().cloned()),
            Some("1700000000".to_owned())
        );
    }
}
