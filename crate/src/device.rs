//! Trusted devices: after a verified second step, a device the user chose to trust skips
//! it until its trust runs out.

use crate::guard::{Change, Field, Test, Write};
use crate::{Error, Result};

/// Shortest trust a device may be given, in days.
pub const MIN_TRUSTED_DEVICE_DAYS: u32 = 1;
/// Longest trust a role may give a device, in days.
pub const MAX_TRUSTED_DEVICE_DAYS: u32 = 90;
/// A role's trusted-device days that turn trusted devices off: no device skips the second step.
pub const TRUSTED_DEVICE_DAYS_OFF: u32 = 0;
/// Most trusted devices per user; remembering one more forgets the oldest.
pub const MAX_TRUSTED_DEVICES: u32 = 10;

const DAY_MS: u64 = 86_400_000;

/// When the trust of a device remembered at `now` for `days` ends (unix ms).
///
/// # Errors
/// [`Error::Policy`] for `days` outside [`MIN_TRUSTED_DEVICE_DAYS`]..=[`MAX_TRUSTED_DEVICE_DAYS`]; [`Error::Time`]
/// on overflow.
pub fn device_trusted_until(now: u64, days: u32) -> Result<u64> {
    if !(MIN_TRUSTED_DEVICE_DAYS..=MAX_TRUSTED_DEVICE_DAYS).contains(&days) {
        return Err(Error::Policy);
    }
    now.checked_add(u64::from(days).saturating_mul(DAY_MS))
        .ok_or(Error::Time)
}

/// Recognises a device whose trust ends at `expires_at`: None once it has ended, else
/// the write that records the use, holding only while the trust has not ended (the
/// shell adds the swap of its token, conditional on the token it was read with).
#[must_use]
pub fn device_use(expires_at: u64, now: u64) -> Option<Write> {
    (now < expires_at).then(|| {
        Write::new()
            .when(Field::ExpiresAt, Test::Above(now))
            .change(Field::LastUsedAt, Change::Set(now))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_runs_out() {
        assert_eq!(device_trusted_until(1000, 30), Ok(1000 + 30 * DAY_MS));
        assert_eq!(device_trusted_until(1000, 0), Err(Error::Policy));
        assert_eq!(device_trusted_until(1000, 91), Err(Error::Policy));
        assert_eq!(device_trusted_until(u64::MAX, 1), Err(Error::Time));
        assert_eq!(device_use(1000, 1000), None);
        let write = device_use(1001, 1000).unwrap();
        assert!(write.admits(|_| Some(1001)));
        assert!(!write.admits(|_| Some(1000)));
    }
}
