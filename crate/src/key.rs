//! Server keys: the hashing key for codes and the sealing key for secrets at rest.
//!
//! Both are validated once, at construction, and hold only derived state that is
//! wiped on drop. Their `Debug` output never shows key material.

use core::fmt;

use chacha20poly1305::{KeyInit as _, XChaCha20Poly1305};

use crate::code::HmacSha256;
use crate::{Error, Result};

/// Shortest server key, in bytes (256 bits, the HMAC-SHA-256 output size).
pub const MIN_KEY_BYTES: usize = 32;
/// Longest hashing key, in bytes. Longer keys would only be hashed down again.
pub const MAX_KEY_BYTES: usize = 256;
/// Exact length of a sealing key, in bytes.
pub const SEAL_KEY_BYTES: usize = 32;

fn check_length(key: &[u8], min: usize, max: usize) -> Result<()> {
    if key.len() < min {
        Err(Error::KeyTooShort)
    } else if key.len() > max {
        Err(Error::KeyTooLong)
    } else {
        Ok(())
    }
}

/// The server key for hashing one-time and recovery codes.
///
/// It keeps the HMAC state after absorbing the key, so each hash costs two
/// compression calls instead of four.
#[derive(Clone)]
pub struct HashKey {
    keyed: HmacSha256,
}

impl HashKey {
    /// Validates a key of [`MIN_KEY_BYTES`]..=[`MAX_KEY_BYTES`] bytes.
    ///
    /// # Errors
    /// [`Error::KeyTooShort`] or [`Error::KeyTooLong`].
    pub fn new(key: &[u8]) -> Result<Self> {
        check_length(key, MIN_KEY_BYTES, MAX_KEY_BYTES)?;
        Ok(Self {
            keyed: crate::code::keyed(key)?,
        })
    }

    /// A fresh MAC under this key.
    pub(crate) fn hmac(&self) -> HmacSha256 {
        self.keyed.clone()
    }
}

impl fmt::Debug for HashKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HashKey { ... }")
    }
}

/// The server key for sealing secrets at rest (XChaCha20-Poly1305).
pub struct SealKey {
    pub(crate) cipher: XChaCha20Poly1305,
}

impl SealKey {
    /// Validates a key of exactly [`SEAL_KEY_BYTES`] bytes.
    ///
    /// # Errors
    /// [`Error::KeyTooShort`] or [`Error::KeyTooLong`].
    pub fn new(key: &[u8]) -> Result<Self> {
        check_length(key, SEAL_KEY_BYTES, SEAL_KEY_BYTES)?;
        let cipher = XChaCha20Poly1305::new_from_slice(key).map_err(|_| Error::KeyTooLong)?;
        Ok(Self { cipher })
    }
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey { ... }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_key_length_is_checked() {
        assert_eq!(HashKey::new(&[0; 31]).err(), Some(Error::KeyTooShort));
        assert!(HashKey::new(&[0; 32]).is_ok());
        assert!(HashKey::new(&[0; 256]).is_ok());
        assert_eq!(HashKey::new(&[0; 257]).err(), Some(Error::KeyTooLong));
    }

    #[test]
    fn seal_key_length_is_exact() {
        assert_eq!(SealKey::new(&[0; 31]).err(), Some(Error::KeyTooShort));
        assert!(SealKey::new(&[0; 32]).is_ok());
        assert_eq!(SealKey::new(&[0; 33]).err(), Some(Error::KeyTooLong));
    }

    #[test]
    fn debug_hides_key_material() {
        let key = HashKey::new(&[0xAB; 32]).map(|k| format!("{k:?}"));
        assert_eq!(key.as_deref(), Ok("HashKey { ... }"));
        let key = SealKey::new(&[0xAB; 32]).map(|k| format!("{k:?}"));
        assert_eq!(key.as_deref(), Ok("SealKey { ... }"));
    }
}
