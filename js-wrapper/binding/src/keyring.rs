//! The server keyring and the webhook signature, over the boundary.
//!
//! A `Keyring` lives in wasm memory: its derived keys never cross into JS, and are wiped
//! when JS frees it (or its finalizer runs). Verifications return one number, as
//! `verifyCode` does: the position of the key that matched (0 for the current secret),
//! -1 for no match, or `-2 - index` for a core error.

use two_factor_core::{self as core, Error, KeyUsed};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{Out, err, random::PooledRng, status, whole};

/// A match as a status number: the key's position, or -1 when no key matched.
fn matched(result: Result<KeyUsed, Error>) -> f64 {
    status(match result {
        Ok(used) => u32::try_from(used.index())
            .map(f64::from)
            .map_err(|_| Error::SecretCount),
        Err(Error::Mismatch) => Ok(-1.0),
        Err(e) => Err(e),
    })
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
            let length = usize::try_from(length).map_err(|_| err(Error::KeyTooLong))?;
            if length > rest.len() {
                return Err(err(Error::KeyTooShort));
            }
            let (secret, tail) = rest.split_at(length);
            secrets.push(secret);
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(err(Error::KeyTooLong));
        }
        core::Keyring::new(context, current, &secrets)
            .map(|inner| Self { inner })
            .map_err(err)
    }

    /// The keyed, salted hash of a code under the current key.
    #[wasm_bindgen(js_name = hashCode)]
    pub fn hash_code(&self, code: &str, salt: &[u8]) -> Out<String> {
        self.inner.hash_code(code, salt).map_err(err)
    }

    /// Which key `code` matches `hash` under: its position, -1, or an error status.
    #[wasm_bindgen(js_name = verifyCode)]
    #[must_use]
    pub fn verify_code(&self, code: &str, hash: &str, salt: &[u8]) -> f64 {
        matched(self.inner.verify_code(code, hash, salt))
    }

    /// The keyed, salted hash of a recovery code under the current key.
    #[wasm_bindgen(js_name = hashRecoveryCode)]
    pub fn hash_recovery_code(&self, code: &str, salt: &[u8]) -> Out<String> {
        self.inner.hash_recovery_code(code, salt).map_err(err)
    }

    /// Which key a typed recovery code matches `hash` under: its position, -1, or an
    /// error status.
    #[wasm_bindgen(js_name = verifyRecoveryCode)]
    #[must_use]
    pub fn verify_recovery_code(&self, code: &str, hash: &str, salt: &[u8]) -> f64 {
        matched(self.inner.verify_recovery_code(code, hash, salt))
    }

    /// The keyed hash of a token under the current key.
    #[wasm_bindgen(js_name = tokenHash)]
    #[must_use]
    pub fn token_hash(&self, token: &str) -> String {
        self.inner.token_hash(token)
    }

    /// The keyed hash of a token under every key, current first.
    #[wasm_bindgen(js_name = tokenHashes)]
    #[must_use]
    pub fn token_hashes(&self, token: &str) -> Vec<String> {
        self.inner.token_hashes(token)
    }

    /// The keyed hash of a subject counted by a limit.
    #[wasm_bindgen(js_name = subjectHash)]
    #[must_use]
    pub fn subject_hash(&self, value: &str) -> String {
        self.inner.subject_hash(value)
    }

    /// Seals `plaintext` under the current key, bound to `associated_data`.
    pub fn seal(&self, plaintext: &[u8], associated_data: &[u8]) -> Out<String> {
        self.inner
            .seal(&mut PooledRng, plaintext, associated_data)
            .map_err(err)
    }

    /// Opens a sealed value: the position of the key that opened it, then the plaintext.
    pub fn open(&self, sealed: &str, associated_data: &[u8]) -> Out<Vec<u8>> {
        let (plaintext, used) = self.inner.open(sealed, associated_data).map_err(err)?;
        let index = u8::try_from(used.index()).map_err(|_| err(Error::SecretCount))?;
        let mut out = Vec::with_capacity(plaintext.len().saturating_add(1));
        out.push(index);
        out.extend_from_slice(&plaintext);
        Ok(out)
    }
}

/// `sha256=` and the hex HMAC-SHA-256 of `"{timestamp}.{body}"` under `secret`.
#[wasm_bindgen(js_name = webhookSignature)]
pub fn webhook_signature(secret: &[u8], timestamp_seconds: f64, body: &str) -> Out<String> {
    whole(timestamp_seconds)
        .and_then(|timestamp| core::webhook_signature(secret, timestamp, body))
        .map_err(err)
}

/// `[timestamp (unix seconds), signature]` of `body` signed at `now` (unix ms).
#[wasm_bindgen(js_name = signWebhook)]
pub fn sign_webhook(secret: &[u8], now: f64, body: &str) -> Out<Vec<String>> {
    whole(now)
        .and_then(|now| core::sign_webhook(secret, now, body))
        .map(|signed| vec![signed.timestamp.to_string(), signed.signature])
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index_of(e: Error) -> u32 {
        err(e)
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
        let short = index_of(Error::KeyTooShort);
        let long = index_of(Error::KeyTooLong);
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
        let Ok(current) = ring.hash_code("123456", &salt) else {
            panic!("hash");
        };
        assert_eq!(ring.verify_code("123456", &current, &salt), 0.0);
        assert_eq!(ring.verify_code("123456", &stale, &salt), 1.0);
        assert_eq!(ring.verify_code("654321", &current, &salt), -1.0);
        let format = -2.0 - f64::from(index_of(Error::HashFormat));
        assert_eq!(ring.verify_code("123456", "zz", &salt), format);
        let sealed = previous.seal(&mut PooledRng, b"x", b"ad");
        let opened = sealed.ok().map(|s| ring.open(&s, b"ad"));
        assert_eq!(opened, Some(Ok(vec![1, b'x'])));
    }

    #[test]
    fn webhook_timestamps_must_be_whole() {
        assert!(webhook_signature(b"k", 1.0, "").is_ok());
        let time = Err(index_of(Error::Time));
        assert_eq!(webhook_signature(b"k", 1.5, ""), time);
        assert_eq!(webhook_signature(b"k", f64::NAN, ""), time);
        assert_eq!(webhook_signature(b"k", -1.0, ""), time);
    }
}
