//! `otpauth://` URIs in the Key Uri Format that authenticator apps scan from a QR code.

use alloc::string::String;

use crate::otp::TotpParams;
use crate::secret::base32_encode;
use crate::{Error, Result, digits};

/// Longest issuer or account name, in bytes.
pub const MAX_LABEL_BYTES: usize = 256;

/// `text` with every byte of its UTF-8 percent-encoded (upper-case hex) but the RFC 3986
/// unreserved characters: letters, digits, `-`, `.`, `_` and `~`.
fn percent_encoded(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let hex = |nibble: u8| char::from(HEX.get(usize::from(nibble & 0xF)).copied().unwrap_or(b'0'));
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(hex(byte >> 4));
            out.push(hex(byte));
        }
    }
    out
}

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
    let issuer = percent_encoded(label.issuer);
    let account = percent_encoded(label.account);
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
        &digits::decimal(u64::from(params.digits())),
        "&period=",
        &digits::decimal(u64::from(params.period())),
    ]
    .concat())
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
    fn only_unreserved_characters_stay_as_they_are() {
        assert_eq!(percent_encoded("aZ09-._~"), "aZ09-._~");
        assert_eq!(
            percent_encoded(" /:?#[]@!$&'()*+,;=%"),
            "%20%2F%3A%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D%25"
        );
        assert_eq!(percent_encoded("é\u{7f}\u{1F600}"), "%C3%A9%7F%F0%9F%98%80");
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
