//! `otpauth://` URIs in the Key Uri Format that authenticator apps scan from a QR code.

use alloc::string::String;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::otp::TotpParams;
use crate::secret::base32_encode;
use crate::{Error, Result, digits};

/// Longest issuer or account name, in bytes.
pub const MAX_LABEL_BYTES: usize = 256;

/// Everything but RFC 3986 unreserved characters is percent-encoded.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// What goes into an `otpauth://totp/` URI.
#[derive(Clone, Copy, Debug)]
pub struct OtpauthLabel<'a> {
    /// The service, such as the site's name. Shown by the app above the code.
    pub issuer: &'a str,
    /// The user's account, usually the e-mail address.
    pub account: &'a str,
}

fn check_label(text: &str) -> Result<()> {
    // The Key Uri Format separates issuer and account with a colon, so neither may
    // contain one; control characters would be invisible in the app.
    let bad = text.is_empty()
        || text.len() > MAX_LABEL_BYTES
        || text.chars().any(|c| c == ':' || c.is_control());
    if bad { Err(Error::Label) } else { Ok(()) }
}

/// `otpauth://totp/Issuer:account?secret=…&issuer=…&algorithm=…&digits=…&period=…`.
///
/// The issuer appears both in the label and as a parameter, as the Key Uri Format
/// recommends, so that old and new apps file the entry under the right service.
///
/// # Errors
/// [`Error::Label`] when issuer or account is empty, longer than [`MAX_LABEL_BYTES`],
/// or contains a colon or a control character; [`Error::SecretLength`] for a secret
/// outside the bounds [`crate::OtpKey::new`] accepts.
pub fn otpauth_uri(secret: &[u8], label: &OtpauthLabel<'_>, params: &TotpParams) -> Result<String> {
    if !(crate::otp::MIN_SECRET_BYTES..=crate::otp::MAX_SECRET_BYTES).contains(&secret.len()) {
        return Err(Error::SecretLength);
    }
    check_label(label.issuer)?;
    check_label(label.account)?;
    let issuer: String = utf8_percent_encode(label.issuer, COMPONENT).collect();
    let account: String = utf8_percent_encode(label.account, COMPONENT).collect();
    // Built by concatenation rather than `format!`, which would pull core::fmt into
    // the wasm for the sake of two small integers.
    Ok([
        "otpauth://totp/",
        &issuer,
        ":",
        &account,
        "?secret=",
        &base32_encode(secret),
        "&issuer=",
        &issuer,
        "&algorithm=",
        params.algorithm().name(),
        "&digits=",
        &digits::format(u64::from(params.digits()), decimal_width(params.digits())),
        "&period=",
        &digits::format(u64::from(params.period()), decimal_width(params.period())),
    ]
    .concat())
}

/// Number of decimal digits of `value` (at least one).
fn decimal_width(value: u32) -> u32 {
    value.checked_ilog10().unwrap_or(0).saturating_add(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::Algorithm;

    #[test]
    fn builds_the_key_uri_format() {
        let params = TotpParams::new(Algorithm::Sha256, 8, 60).unwrap();
        let label = OtpauthLabel {
            issuer: "ACME Co",
            account: "jane+1@example.com",
        };
        let uri = otpauth_uri(b"12345678901234567890", &label, &params);
        assert_eq!(
            uri.as_deref(),
            Ok(
                "otpauth://totp/ACME%20Co:jane%2B1%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60"
            )
        );
    }

    #[test]
    fn labels_are_checked() {
        let params = TotpParams::default();
        let secret = [0u8; 20];
        for (issuer, account) in [
            ("", "a"),
            ("a", ""),
            ("a:b", "c"),
            ("a", "b:c"),
            ("a\n", "b"),
        ] {
            let label = OtpauthLabel { issuer, account };
            assert_eq!(
                otpauth_uri(&secret, &label, &params).err(),
                Some(Error::Label)
            );
        }
        let long = "x".repeat(MAX_LABEL_BYTES + 1);
        let label = OtpauthLabel {
            issuer: &long,
            account: "a",
        };
        assert_eq!(
            otpauth_uri(&secret, &label, &params).err(),
            Some(Error::Label)
        );
        let label = OtpauthLabel {
            issuer: "a",
            account: "b",
        };
        assert_eq!(
            otpauth_uri(&[0u8; 8], &label, &params).err(),
            Some(Error::SecretLength)
        );
    }
}
