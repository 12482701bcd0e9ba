//! The signature on an SMS webhook request, so that the receiver can check where the
//! request came from and how fresh it is.

use alloc::string::String;
use hmac::Mac as _;

use crate::{Error, Result};

/// Shortest webhook secret a configuration should accept, in characters: 32, as many
/// bytes as HMAC-SHA-256's output (a receiver's secret is typed or pasted as text).
pub const MIN_WEBHOOK_SECRET_CHARS: usize = 32;
/// Longest webhook secret, in bytes. HMAC hashes longer keys down to 32 bytes anyway.
pub const MAX_WEBHOOK_SECRET_BYTES: usize = 1024;
/// Longest request body signed, in bytes: far above a JSON SMS payload.
pub const MAX_WEBHOOK_BODY_BYTES: usize = 65_536;

/// What the `X-Two-Factor-Signature` header carries:
/// `sha256=` then the lowercase hex of HMAC-SHA-256(`secret`, `"{timestamp_seconds}.{body}"`).
///
/// The timestamp (unix seconds, also sent in `X-Two-Factor-Timestamp`) is signed with the
/// body, so a receiver that refuses old timestamps refuses replayed requests too.
///
/// ```
/// let signature = two_factor_core::webhook_signature(b"secret", 1_700_000_000, "{}")?;
/// assert!(signature.starts_with("sha256="));
/// # Ok::<(), two_factor_core::Error>(())
/// ```
///
/// # Errors
/// [`Error::KeyTooShort`] for an empty secret, [`Error::KeyTooLong`] for one longer than
/// [`MAX_WEBHOOK_SECRET_BYTES`]; [`Error::BodyLength`] for a body longer than
/// [`MAX_WEBHOOK_BODY_BYTES`].
pub fn webhook_signature(secret: &[u8], timestamp_seconds: u64, body: &str) -> Result<String> {
    if secret.is_empty() {
        return Err(Error::KeyTooShort);
    }
    if secret.len() > MAX_WEBHOOK_SECRET_BYTES {
        return Err(Error::KeyTooLong);
    }
    if body.len() > MAX_WEBHOOK_BODY_BYTES {
        return Err(Error::BodyLength);
    }
    let mut mac = crate::code::keyed(secret)?;
    mac.update(crate::digits::decimal(timestamp_seconds).as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(["sha256=", &crate::code::hex(&crate::code::tag(mac))].concat())
}

/// A request signed at a time: what goes in `X-Two-Factor-Timestamp` and
/// `X-Two-Factor-Signature`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedWebhook {
    /// Unix seconds.
    pub timestamp: u64,
    /// As [`webhook_signature`] makes it.
    pub signature: String,
}

impl SignedWebhook {
    /// The timestamp as the `X-Two-Factor-Timestamp` header carries it: decimal unix
    /// seconds.
    #[must_use]
    pub fn timestamp_header(&self) -> String {
        crate::digits::decimal(self.timestamp)
    }
}

/// Signs `body` at `now` (unix milliseconds, as every ruling takes time).
///
/// # Errors
/// As [`webhook_signature`].
pub fn sign_webhook(secret: &[u8], now: u64, body: &str) -> Result<SignedWebhook> {
    let timestamp = crate::unix_seconds(now);
    Ok(SignedWebhook {
        timestamp,
        signature: webhook_signature(secret, timestamp, body)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answer() {
        // Node.js: 'sha256=' + createHmac('sha256', 's'.repeat(32))
        //   .update('1700000000.{"channel":"sms"}').digest('hex'), the plugin's format.
        let secret = [b's'; 32];
        assert_eq!(
            webhook_signature(&secret, 1_700_000_000, r#"{"channel":"sms"}"#).unwrap(),
            "sha256=ab8db1838c33990411f89bd7c3782da0a3ee25d538b739fb5a7fc70ecba5b3dd"
        );
    }

    #[test]
    fn every_input_changes_the_signature() {
        let tag = webhook_signature(b"Jefe", 0, "x").unwrap();
        assert_eq!(tag.len(), "sha256=".len() + 64);
        assert_ne!(tag, webhook_signature(b"Jefe", 1, "x").unwrap());
        assert_ne!(tag, webhook_signature(b"Jefe", 0, "y").unwrap());
        assert_ne!(tag, webhook_signature(b"Jeff", 0, "x").unwrap());
    }

    #[test]
    fn arguments_are_bounded() {
        assert_eq!(webhook_signature(b"", 0, ""), Err(Error::KeyTooShort));
        let long = [1u8; MAX_WEBHOOK_SECRET_BYTES + 1];
        assert_eq!(webhook_signature(&long, 0, ""), Err(Error::KeyTooLong));
        assert!(webhook_signature(&long[1..], u64::MAX, "").is_ok());
        let body = "b".repeat(MAX_WEBHOOK_BODY_BYTES + 1);
        assert_eq!(webhook_signature(b"k", 0, &body), Err(Error::BodyLength));
        assert!(webhook_signature(b"k", 0, &body[1..]).is_ok());
    }
}
