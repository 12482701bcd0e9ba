//! The write a ruling asks for: the condition the stored row must still meet, and the
//! changes to make to it.
//!
//! A ruling is made on a row read a moment ago. Another request, in this process or
//! another, may have changed that row since, so the ruling stands only if the write
//! that acts on it holds the ruling's condition: one conditional `UPDATE`, whose row
//! count says whether it won. The condition is data, not code, so the shell turns it
//! into SQL (or into a check on an in-memory row) mechanically and writes no rule of its
//! own. [`Write::admits`] is that check, written once here: for tests, for the rulings
//! that decide by it ([`crate::lockout_verdict`]), and for stores that are not SQL
//! (`two-factor-wasm` exports it as `admits(write, row)`).

use alloc::{vec, vec::Vec};

/// A stored field a condition reads or a change writes, named as the plugin's
/// attributes are named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// When a challenge's code, or a trusted device, stops working (unix ms).
    ExpiresAt,
    /// Wrong guesses spent on a challenge.
    Attempts,
    /// When a challenge's right code was accepted (unix ms).
    ConsumedAt,
    /// When an enrolment challenge was verified (unix ms).
    VerifiedAt,
    /// Codes sent again on a challenge.
    Resends,
    /// When a challenge's current code was sent (unix ms).
    LastSentAt,
    /// Where a challenge's code went (sealed text; only ever cleared by a ruling).
    Destination,
    /// Consecutive failed guesses of an account.
    Failures,
    /// When the last of those failures happened (unix ms).
    LastFailureAt,
    /// The last TOTP time step accepted for an account.
    TotpLastStep,
    /// When a trusted device was last recognised (unix ms).
    LastUsedAt,
    /// When a recovery code was spent (unix ms).
    UsedAt,
    /// The number of a user's current set of recovery codes (0, or null in rows made
    /// before sets were numbered, until the first set).
    RecoveryGeneration,
}

impl Field {
    /// Every field, in a stable order (used to cross the wasm boundary).
    pub const ALL: &'static [Field] = &[
        Field::ExpiresAt,
        Field::Attempts,
        Field::ConsumedAt,
        Field::VerifiedAt,
        Field::Resends,
        Field::LastSentAt,
        Field::Destination,
        Field::Failures,
        Field::LastFailureAt,
        Field::TotpLastStep,
        Field::LastUsedAt,
        Field::UsedAt,
        Field::RecoveryGeneration,
    ];

    /// The attribute's name, such as `expiresAt`.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Field::ExpiresAt => "expiresAt",
            Field::Attempts => "attempts",
            Field::ConsumedAt => "consumedAt",
            Field::VerifiedAt => "verifiedAt",
            Field::Resends => "resends",
            Field::LastSentAt => "lastSentAt",
            Field::Destination => "destination",
            Field::Failures => "failures",
            Field::LastFailureAt => "lastFailureAt",
            Field::TotpLastStep => "totpLastStep",
            Field::LastUsedAt => "lastUsedAt",
            Field::UsedAt => "usedAt",
            Field::RecoveryGeneration => "recoveryGeneration",
        }
    }
}

/// One test of one stored field. A null field passes only [`Test::IsNull`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Test {
    /// The field is null.
    IsNull,
    /// The field is not null.
    NotNull,
    /// The field equals the value.
    Equals(u64),
    /// The field is less than the value.
    Below(u64),
    /// The field is more than the value.
    Above(u64),
    /// The field is at most the value.
    AtMost(u64),
}

impl Test {
    /// Every test's name, in a stable order: `null`, `notNull`, `=`, `<`, `>`, `<=`.
    pub const NAMES: &'static [&'static str] = &["null", "notNull", "=", "<", ">", "<="];

    /// The index of the test's name in [`Test::NAMES`], and its operand (0 for none).
    #[must_use]
    pub const fn parts(self) -> (usize, u64) {
        match self {
            Test::IsNull => (0, 0),
            Test::NotNull => (1, 0),
            Test::Equals(v) => (2, v),
            Test::Below(v) => (3, v),
            Test::Above(v) => (4, v),
            Test::AtMost(v) => (5, v),
        }
    }

    /// The test named `Test::NAMES[name]` with operand `value` (which the null tests
    /// ignore): the inverse of [`Test::parts`]. None when there is no such name.
    #[must_use]
    pub const fn from_parts(name: usize, value: u64) -> Option<Self> {
        Some(match name {
            0 => Test::IsNull,
            1 => Test::NotNull,
            2 => Test::Equals(value),
            3 => Test::Below(value),
            4 => Test::Above(value),
            5 => Test::AtMost(value),
            _ => return None,
        })
    }

    /// Whether a stored value (None for null) passes.
    #[must_use]
    pub fn passes(self, stored: Option<u64>) -> bool {
        match (self, stored) {
            (Test::IsNull, stored) => stored.is_none(),
            (Test::NotNull, stored) => stored.is_some(),
            (_, None) => false,
            (Test::Equals(v), Some(s)) => s == v,
            (Test::Below(v), Some(s)) => s < v,
            (Test::Above(v), Some(s)) => s > v,
            (Test::AtMost(v), Some(s)) => s <= v,
        }
    }
}

/// How a change sets its field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// To the value.
    Set(u64),
    /// To null.
    Clear,
    /// To what is stored plus the value, in the same statement (so concurrent writes
    /// each count, instead of the last one winning).
    Add(u64),
}

impl Change {
    /// Every change's name, in a stable order: `set`, `clear`, `add`.
    pub const NAMES: &'static [&'static str] = &["set", "clear", "add"];

    /// The index of the change's name in [`Change::NAMES`], and its operand.
    #[must_use]
    pub const fn parts(self) -> (usize, u64) {
        match self {
            Change::Set(v) => (0, v),
            Change::Clear => (1, 0),
            Change::Add(v) => (2, v),
        }
    }
}

/// A conditional write: every clause must hold, and a clause holds when any one of its
/// tests passes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Write {
    /// The condition, as clauses of `(field, test)` alternatives.
    pub guard: Vec<Vec<(Field, Test)>>,
    /// What to write when the condition holds.
    pub changes: Vec<(Field, Change)>,
}

impl Write {
    /// A write with no condition but the row's identity.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a clause with one test.
    #[must_use]
    #[inline(never)]
    pub fn when(mut self, field: Field, test: Test) -> Self {
        self.guard.push(vec![(field, test)]);
        self
    }

    /// Adds a clause that holds when any of the tests passes.
    #[must_use]
    #[inline(never)]
    pub fn when_any(mut self, tests: &[(Field, Test)]) -> Self {
        self.guard.push(tests.to_vec());
        self
    }

    /// Adds a change.
    #[must_use]
    #[inline(never)]
    pub fn change(mut self, field: Field, change: Change) -> Self {
        self.changes.push((field, change));
        self
    }

    /// Whether a row, read through `stored` (None for null), meets the condition.
    pub fn admits(&self, stored: impl Fn(Field) -> Option<u64>) -> bool {
        self.guard.iter().all(|clause| {
            clause
                .iter()
                .any(|&(field, test)| test.passes(stored(field)))
        })
    }

    /// The row after the changes, as `(field, new value)` pairs given the stored ones;
    /// an `Add` that would overflow saturates.
    pub fn applied(&self, stored: impl Fn(Field) -> Option<u64>) -> Vec<(Field, Option<u64>)> {
        self.changes
            .iter()
            .map(|&(field, change)| {
                let value = match change {
                    Change::Set(v) => Some(v),
                    Change::Clear => None,
                    Change::Add(v) => Some(stored(field).unwrap_or(0).saturating_add(v)),
                };
                (field, value)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_and_clauses() {
        assert!(Test::IsNull.passes(None));
        assert!(!Test::IsNull.passes(Some(0)));
        assert!(Test::NotNull.passes(Some(0)));
        assert!(!Test::Below(5).passes(None));
        assert!(Test::Below(5).passes(Some(4)));
        assert!(!Test::Below(5).passes(Some(5)));
        assert!(Test::AtMost(5).passes(Some(5)));
        assert!(Test::Above(5).passes(Some(6)));
        assert!(Test::Equals(5).passes(Some(5)));
        let write = Write::new()
            .when(Field::ConsumedAt, Test::IsNull)
            .when_any(&[
                (Field::LastSentAt, Test::IsNull),
                (Field::LastSentAt, Test::AtMost(10)),
            ])
            .change(Field::Attempts, Change::Add(1));
        let row = |consumed: Option<u64>, sent: Option<u64>| {
            move |field| match field {
                Field::ConsumedAt => consumed,
                Field::LastSentAt => sent,
                Field::Attempts => Some(2),
                _ => None,
            }
        };
        assert!(write.admits(row(None, None)));
        assert!(write.admits(row(None, Some(10))));
        assert!(!write.admits(row(None, Some(11))));
        assert!(!write.admits(row(Some(1), None)));
        assert_eq!(
            write.applied(row(None, None)),
            vec![(Field::Attempts, Some(3))]
        );
        assert_eq!(Field::ALL.len(), 13);
        for test in [
            Test::IsNull,
            Test::NotNull,
            Test::Equals(7),
            Test::Below(7),
            Test::Above(7),
            Test::AtMost(7),
        ] {
            let (name, value) = test.parts();
            assert_eq!(Test::from_parts(name, value), Some(test));
        }
        assert_eq!(Test::from_parts(Test::NAMES.len(), 0), None);
        assert!(Field::ALL.iter().all(|f| !f.name().is_empty()));
    }
}
