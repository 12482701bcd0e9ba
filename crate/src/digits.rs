//! Decimal codes as fixed-width strings of ASCII digits, without `format!`.
//!
//! Both the one-time codes and the HOTP/TOTP values are zero-padded decimal numbers,
//! so parsing and printing them lives here once.

use crate::{Error, Result};
use alloc::string::String;

/// Powers of ten up to 10^10, the largest modulus any code uses.
const POW10: [u64; 11] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
];

/// 10^`digits`, or [`Error::Digits`] when `digits` is above 10.
pub(crate) fn modulus(digits: u32) -> Result<u64> {
    usize::try_from(digits)
        .ok()
        .and_then(|d| POW10.get(d))
        .copied()
        .ok_or(Error::Digits)
}

/// Writes `value` as exactly `digits` decimal digits, zero-padded on the left.
///
/// The caller guarantees `value < 10^digits`; higher digits are dropped otherwise.
pub(crate) fn format(mut value: u64, digits: u32) -> String {
    let mut out = [b'0'; 10];
    let width = usize::try_from(digits).unwrap_or(0).min(out.len());
    for slot in out.iter_mut().take(width).rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (value % 10) as u8;
        *slot = b'0'.wrapping_add(digit);
        value /= 10;
    }
    out.iter()
        .take(width)
        .map(|&b| char::from(b))
        .collect::<String>()
}

/// Writes `value` in decimal, without padding: what `to_string` gives, without the
/// formatting machinery.
pub(crate) fn decimal(mut value: u64) -> String {
    // u64::MAX has 20 digits.
    let mut out = [0u8; 20];
    let mut start = out.len();
    for slot in out.iter_mut().rev() {
        // `value % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (value % 10) as u8;
        *slot = b'0'.wrapping_add(digit);
        start = start.saturating_sub(1);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.iter()
        .skip(start)
        .map(|&b| char::from(b))
        .collect::<String>()
}

/// Parses a string of exactly `digits` ASCII digits.
///
/// # Errors
/// [`Error::CodeFormat`] for any other length or character (signs, spaces, non-ASCII digits).
pub(crate) fn parse(text: &str, digits: u32) -> Result<u64> {
    let expected = usize::try_from(digits).map_err(|_| Error::CodeFormat)?;
    if text.len() != expected || expected > 10 {
        return Err(Error::CodeFormat);
    }
    text.bytes().try_fold(0u64, |acc, b| {
        if b.is_ascii_digit() {
            // At most 10 digits, so `acc` stays below 10^10 and cannot overflow.
            Ok(acc
                .wrapping_mul(10)
                .wrapping_add(u64::from(b.wrapping_sub(b'0'))))
        } else {
            Err(Error::CodeFormat)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_is_to_string() {
        for value in [0, 1, 9, 10, 99, 1_700_000_000, u64::MAX - 1, u64::MAX] {
            assert_eq!(decimal(value), value.to_string());
        }
    }

    #[test]
    fn format_pads_with_zeros() {
        assert_eq!(format(42, 6), "000042");
        assert_eq!(format(0, 8), "00000000");
        assert_eq!(format(9_999_999_999, 10), "9999999999");
    }

    #[test]
    fn parse_accepts_only_exact_ascii_digits() {
        assert_eq!(parse("000042", 6), Ok(42));
        assert_eq!(parse("9999999999", 10), Ok(9_999_999_999));
        for bad in [
            "00042",
            "0000042",
            "12345a",
            "+12345",
            " 12345",
            "١٢٣٤٥٦",
            "",
        ] {
            assert_eq!(parse(bad, 6), Err(Error::CodeFormat), "{bad:?}");
        }
    }

    #[test]
    fn modulus_is_bounded() {
        assert_eq!(modulus(6), Ok(1_000_000));
        assert_eq!(modulus(11), Err(Error::Digits));
    }

    proptest::proptest! {
        #[test]
        fn format_then_parse_round_trips(value in 0u64..10_000_000_000, digits in 1u32..=10) {
            let value = value % modulus(digits).unwrap_or(1);
            proptest::prop_assert_eq!(parse(&format(value, digits), digits), Ok(value));
        }
    }
}
