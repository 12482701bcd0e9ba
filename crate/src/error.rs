//! The one error type of the crate.

use core::fmt;

/// Declares [`Error`] from one table: each variant with its doc, its stable code and its
/// message, written once, so the list, the codes and the messages cannot drift apart.
macro_rules! errors {
    ($($(#[doc = $doc:literal])+ $variant:ident => $code:literal, $message:literal;)+) => {
        /// Everything that can go wrong in the core.
        ///
        /// Like the RustCrypto crates, the variants name what is wrong and carry no input,
        /// so that no code, secret or token can leak through an error message or a log line.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Error {
            $($(#[doc = $doc])+ $variant,)+
        }

        impl Error {
            /// Every variant, in a stable order (used to map errors across the wasm boundary).
            pub const ALL: &'static [Error] = &[$(Error::$variant,)+];

            /// A stable, machine-readable name, such as `KEY_TOO_SHORT`.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self {
                    $(Error::$variant => $code,)+
                }
            }

            /// A short, static, lowercase description that carries no input.
            #[must_use]
            pub const fn message(self) -> &'static str {
                match self {
                    $(Error::$variant => $message,)+
                }
            }
        }
    };
}

errors! {
    /// The number of digits is outside the range the operation accepts.
    Digits => "INVALID_DIGITS", "number of digits out of range";
    /// A code or token is not a string of ASCII digits of the expected length.
    CodeFormat => "INVALID_CODE_FORMAT", "code must be ascii digits of the expected length";
    /// A hashing or sealing key is shorter than [`crate::MIN_KEY_BYTES`].
    KeyTooShort => "KEY_TOO_SHORT", "key too short";
    /// A hashing or sealing key is longer than [`crate::MAX_KEY_BYTES`].
    KeyTooLong => "KEY_TOO_LONG", "key too long";
    /// A salt is shorter than [`crate::MIN_SALT_BYTES`] or longer than [`crate::MAX_SALT_BYTES`].
    SaltLength => "INVALID_SALT_LENGTH", "salt length out of range";
    /// A stored hash is not the lowercase hex of a 32-byte digest.
    HashFormat => "INVALID_HASH_FORMAT", "hash must be 64 lowercase hex characters";
    /// A TOTP secret's length is outside [`crate::MIN_SECRET_BYTES`]..=[`crate::MAX_SECRET_BYTES`].
    SecretLength => "INVALID_SECRET_LENGTH", "secret length out of range";
    /// Text is not RFC 4648 base32.
    Base32 => "INVALID_BASE32", "invalid base32";
    /// An HOTP/TOTP hash algorithm other than SHA1, SHA256 or SHA512 was named.
    Algorithm => "INVALID_ALGORITHM", "unknown hash algorithm";
    /// The TOTP period is outside [`crate::MIN_PERIOD`]..=[`crate::MAX_PERIOD`].
    Period => "INVALID_PERIOD", "period out of range";
    /// The TOTP drift window is larger than [`crate::MAX_WINDOW`].
    Window => "INVALID_WINDOW", "window out of range";
    /// A time is negative, not finite or beyond what the core can represent.
    Time => "INVALID_TIME", "time out of range";
    /// An otpauth issuer or account name is empty, too long or contains a colon.
    Label => "INVALID_LABEL", "issuer and account must be non-empty, short and free of colons";
    /// The number of recovery codes is outside the accepted range.
    RecoveryCount => "INVALID_RECOVERY_COUNT", "number of recovery codes out of range";
    /// A recovery code does not have the shape of one.
    RecoveryFormat => "INVALID_RECOVERY_CODE", "not a recovery code";
    /// A sealed value is malformed, was sealed with another key, or is bound to other data.
    Unseal => "UNSEAL_FAILED", "sealed value cannot be opened with this key and associated data";
    /// Data to seal or bind is larger than [`crate::MAX_SEAL_BYTES`].
    SealLength => "SEAL_TOO_LONG", "value to seal too long";
    /// A policy parameter (lifetime, attempts, cooldown, cap, threshold) is out of range.
    Policy => "INVALID_POLICY", "policy parameter out of range";
    /// The operating system's random number generator failed.
    Random => "RANDOM_UNAVAILABLE", "random number generator unavailable";
    /// A code or recovery code matches its stored hash under no key of the keyring.
    Mismatch => "CODE_MISMATCH", "code does not match";
    /// A keyring was given more than [`crate::MAX_PREVIOUS_SECRETS`] previous secrets.
    SecretCount => "TOO_MANY_SECRETS", "too many previous secrets";
    /// A key derivation context is empty or longer than [`crate::MAX_CONTEXT_BYTES`].
    Context => "INVALID_CONTEXT", "key derivation context empty or too long";
    /// A webhook body to sign is longer than [`crate::MAX_WEBHOOK_BODY_BYTES`].
    BodyLength => "WEBHOOK_BODY_TOO_LONG", "webhook body too long";
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl core::error::Error for Error {}

/// The crate's result type.
pub type Result<T> = core::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_lists_each_variant_once_with_distinct_codes() {
        let mut codes: Vec<_> = Error::ALL.iter().map(|e| e.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Error::ALL.len());
    }

    #[test]
    fn messages_are_lowercase_and_static() {
        for &e in Error::ALL {
            assert!(!e.message().is_empty());
            assert_eq!(e.message(), e.message().to_lowercase());
            assert_eq!(e.to_string(), e.message());
        }
    }
}
