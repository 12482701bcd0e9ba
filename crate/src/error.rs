//! The one error type of the crate.

use core::fmt;

/// Everything that can go wrong in the core.
///
/// Like the RustCrypto crates, the variants name what is wrong and carry no input,
/// so that no code, secret or token can leak through an error message or a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The number of digits is outside the range the operation accepts.
    Digits,
    /// A code or token is not a string of ASCII digits of the expected length.
    CodeFormat,
    /// A hashing or sealing key is shorter than [`crate::MIN_KEY_BYTES`].
    KeyTooShort,
    /// A hashing or sealing key is longer than [`crate::MAX_KEY_BYTES`].
    KeyTooLong,
    /// A salt is shorter than [`crate::MIN_SALT_BYTES`] or longer than [`crate::MAX_SALT_BYTES`].
    SaltLength,
    /// A stored hash is not the lowercase hex of a 32-byte digest.
    HashFormat,
    /// A TOTP secret's length is outside [`crate::MIN_SECRET_BYTES`]..=[`crate::MAX_SECRET_BYTES`].
    SecretLength,
    /// Text is not RFC 4648 base32.
    Base32,
    /// An HOTP/TOTP hash algorithm other than SHA1, SHA256 or SHA512 was named.
    Algorithm,
    /// The TOTP period is outside [`crate::MIN_PERIOD`]..=[`crate::MAX_PERIOD`].
    Period,
    /// The TOTP drift window is larger than [`crate::MAX_WINDOW`].
    Window,
    /// A time is negative, not finite or beyond what the core can represent.
    Time,
    /// An otpauth issuer or account name is empty, too long or contains a colon.
    Label,
    /// The number of recovery codes is outside the accepted range.
    RecoveryCount,
    /// A recovery code does not have the shape of one.
    RecoveryFormat,
    /// A sealed value is malformed, was sealed with another key, or is bound to other data.
    Unseal,
    /// Data to seal or bind is larger than [`crate::MAX_SEAL_BYTES`].
    SealLength,
    /// A policy parameter (lifetime, attempts, cooldown, cap, threshold) is out of range.
    Policy,
    /// The operating system's random number generator failed.
    Random,
}

impl Error {
    /// Every variant, in a stable order (used to map errors across the wasm boundary).
    pub const ALL: [Error; 19] = [
        Error::Digits,
        Error::CodeFormat,
        Error::KeyTooShort,
        Error::KeyTooLong,
        Error::SaltLength,
        Error::HashFormat,
        Error::SecretLength,
        Error::Base32,
        Error::Algorithm,
        Error::Period,
        Error::Window,
        Error::Time,
        Error::Label,
        Error::RecoveryCount,
        Error::RecoveryFormat,
        Error::Unseal,
        Error::SealLength,
        Error::Policy,
        Error::Random,
    ];

    /// A stable, machine-readable name, such as `KEY_TOO_SHORT`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Error::Digits => "INVALID_DIGITS",
            Error::CodeFormat => "INVALID_CODE_FORMAT",
            Error::KeyTooShort => "KEY_TOO_SHORT",
            Error::KeyTooLong => "KEY_TOO_LONG",
            Error::SaltLength => "INVALID_SALT_LENGTH",
            Error::HashFormat => "INVALID_HASH_FORMAT",
            Error::SecretLength => "INVALID_SECRET_LENGTH",
            Error::Base32 => "INVALID_BASE32",
            Error::Algorithm => "INVALID_ALGORITHM",
            Error::Period => "INVALID_PERIOD",
            Error::Window => "INVALID_WINDOW",
            Error::Time => "INVALID_TIME",
            Error::Label => "INVALID_LABEL",
            Error::RecoveryCount => "INVALID_RECOVERY_COUNT",
            Error::RecoveryFormat => "INVALID_RECOVERY_CODE",
            Error::Unseal => "UNSEAL_FAILED",
            Error::SealLength => "SEAL_TOO_LONG",
            Error::Policy => "INVALID_POLICY",
            Error::Random => "RANDOM_UNAVAILABLE",
        }
    }

    /// A short, static, lowercase description that carries no input.
    #[must_use]
    pub const fn message(self) -> &'static str {
        match self {
            Error::Digits => "number of digits out of range",
            Error::CodeFormat => "code must be ascii digits of the expected length",
            Error::KeyTooShort => "key too short",
            Error::KeyTooLong => "key too long",
            Error::SaltLength => "salt length out of range",
            Error::HashFormat => "hash must be 64 lowercase hex characters",
            Error::SecretLength => "secret length out of range",
            Error::Base32 => "invalid base32",
            Error::Algorithm => "unknown hash algorithm",
            Error::Period => "period out of range",
            Error::Window => "window out of range",
            Error::Time => "time out of range",
            Error::Label => "issuer and account must be non-empty, short and free of colons",
            Error::RecoveryCount => "number of recovery codes out of range",
            Error::RecoveryFormat => "not a recovery code",
            Error::Unseal => "sealed value cannot be opened with this key and associated data",
            Error::SealLength => "value to seal too long",
            Error::Policy => "policy parameter out of range",
            Error::Random => "random number generator unavailable",
        }
    }
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
        for e in Error::ALL {
            assert!(!e.message().is_empty());
            assert_eq!(e.message(), e.message().to_lowercase());
            assert_eq!(e.to_string(), e.message());
        }
    }
}
