//! A model check of the verify sequence against a store that applies each ruling's
//! write as one atomic compare-and-set, as the plugin's SQL store does with one
//! conditional `UPDATE`.
//!
//! Several actors share one challenge row and one account row: verifies with a right or
//! a wrong code (read the rows; spend an attempt; take a guess from the account's
//! budget; compare; then, for a right code, give the budget back and consume), resends
//! and settles. A schedule drawn by proptest interleaves their steps, the clock moves
//! on between some of them, and after every step the invariants must hold:
//! - at most `max_attempts` attempts are ever spent on the challenge;
//! - the account never counts more than `threshold` failures (no lock expires within a
//!   case), so at most `threshold` guesses are compared between two right codes;
//! - the challenge is consumed at most once;
//! - no right code is accepted by an actor the budget refused, and no counter wraps.
//!
//! The same model with a store that checks each guard against what the actor read
//! earlier (check, then act: the bug the outside reviews found in bursts) breaks them;
//! `a_read_then_write_store_is_caught` shows that the check finds it.

// A test file: a panic here is a failing test, and the model's counters are small.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::indexing_slicing
)]

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use two_factor_core::guard::{Field, Write};
use two_factor_core::{
    Challenge, CodeRules, LockoutPolicy, ResendPolicy, failures_reset, lockout_take,
};

const NOW: u64 = 1_700_000_000_000;
const THRESHOLD: u32 = 3;
const MAX_ATTEMPTS: u32 = 5;
// Long enough that no lock ends within a case: the clock moves at most 50 s a step.
const LOCK_SECONDS: u32 = 3_600;

/// One stored row: each field's value, or null.
#[derive(Clone, Debug, Default)]
struct Row(HashMap<Field, u64>);

impl Row {
    fn get(&self, field: Field) -> Option<u64> {
        self.0.get(&field).copied()
    }

    /// The write's changes, made to this row.
    fn change(&mut self, write: &Write) {
        for (field, value) in write.applied(|f| self.get(f)) {
            match value {
                Some(v) => self.0.insert(field, v),
                None => self.0.remove(&field),
            };
        }
    }

    fn challenge(&self) -> Challenge {
        Challenge {
            expires_at: self.get(Field::ExpiresAt).unwrap_or(0),
            attempts: self.get(Field::Attempts).unwrap_or(0) as u32,
            max_attempts: MAX_ATTEMPTS,
            consumed_at: self.get(Field::ConsumedAt),
            verified_at: self.get(Field::VerifiedAt),
            resends: self.get(Field::Resends).unwrap_or(0) as u32,
            last_sent_at: self.get(Field::LastSentAt),
        }
    }
}

/// How the store decides whether a write's guard holds.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Store {
    /// On the stored row, in the same step as the change: a conditional `UPDATE`.
    Atomic,
    /// On the row as the actor read it earlier, then the change to the stored row:
    /// read-modify-write, the class of bug the model must catch.
    ReadThenWrite,
}

/// Applies `write` to `row`; true when it stood. `seen` is the row as the actor read it.
fn apply(store: Store, row: &mut Row, seen: &Row, write: &Write) -> bool {
    let judged = match store {
        Store::Atomic => &*row,
        Store::ReadThenWrite => seen,
    };
    if !write.admits(|f| judged.get(f)) {
        return false;
    }
    row.change(write);
    true
}

/// What an actor does.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Verify { right: bool },
    Resend,
    Settle,
}

/// One actor and how far it got.
#[derive(Clone, Debug)]
struct Actor {
    kind: Kind,
    step: u8,
    challenge: Row,
    account: Row,
    granted: bool,
    done: bool,
}

/// Everything the invariants count, and the shared rows.
#[derive(Debug, Default)]
struct World {
    challenge: Row,
    account: Row,
    now: u64,
    granted: u32,
    resets: u32,
    consumed: u32,
    accepted_without_guess: u32,
}

fn rules() -> CodeRules {
    CodeRules::new(300, MAX_ATTEMPTS).unwrap()
}

fn resend_policy() -> ResendPolicy {
    ResendPolicy::new(1, 3).unwrap()
}

fn policy() -> LockoutPolicy {
    LockoutPolicy::new(THRESHOLD, LOCK_SECONDS).unwrap()
}

impl World {
    fn new() -> Self {
        let open = Challenge::open(&rules(), NOW, true).unwrap();
        let mut challenge = Row::default();
        challenge.0.insert(Field::ExpiresAt, open.expires_at);
        challenge.0.insert(Field::Attempts, 0);
        challenge.0.insert(Field::Resends, 0);
        challenge.0.insert(Field::LastSentAt, NOW);
        let mut account = Row::default();
        account.0.insert(Field::Failures, 0);
        Self {
            challenge,
            account,
            now: NOW,
            ..Self::default()
        }
    }

    /// Runs one step of `actor`.
    fn step(&mut self, store: Store, actor: &mut Actor) {
        let now = self.now;
        match (actor.kind, actor.step) {
            // Every actor starts by reading the rows, as a request does.
            (_, 0) => {
                actor.challenge = self.challenge.clone();
                actor.account = self.account.clone();
            }
            (Kind::Verify { .. }, 1) => {
                let Ok(write) = actor.challenge.challenge().attempt(now) else {
                    actor.done = true;
                    return;
                };
                let seen = actor.challenge.clone();
                actor.done = !apply(store, &mut self.challenge, &seen, &write);
            }
            (Kind::Verify { .. }, 2) => {
                let seen = actor.account.clone();
                actor.granted = apply(
                    store,
                    &mut self.account,
                    &seen,
                    &lockout_take(&policy(), now),
                );
                if actor.granted {
                    self.granted += 1;
                }
                // A refused guess is never compared.
                actor.done = !actor.granted;
            }
            (Kind::Verify { right }, 3) => {
                // Compared; a wrong code is a failure already counted.
                actor.done = !right;
            }
            (Kind::Verify { .. }, 4) => {
                let seen = actor.account.clone();
                apply(store, &mut self.account, &seen, &failures_reset());
                self.resets += 1;
            }
            (Kind::Verify { .. }, 5) => {
                actor.done = true;
                let Ok(write) = actor.challenge.challenge().consume(now, false) else {
                    return;
                };
                let seen = actor.challenge.clone();
                if apply(store, &mut self.challenge, &seen, &write) {
                    self.consumed += 1;
                    if !actor.granted {
                        self.accepted_without_guess += 1;
                    }
                }
            }
            (Kind::Resend, 1) => {
                actor.done = true;
                if let Ok(resend) =
                    actor
                        .challenge
                        .challenge()
                        .resend(&rules(), &resend_policy(), now)
                {
                    let seen = actor.challenge.clone();
                    apply(store, &mut self.challenge, &seen, &resend.write);
                }
            }
            (Kind::Settle, 1) => {
                actor.done = true;
                if let (_, Some(write)) = actor.challenge.challenge().settle(now) {
                    let seen = actor.challenge.clone();
                    apply(store, &mut self.challenge, &seen, &write);
                }
            }
            _ => actor.done = true,
        }
        actor.step += 1;
    }

    /// The first invariant broken, if any.
    fn broken(&self) -> Option<String> {
        let attempts = self.challenge.get(Field::Attempts).unwrap_or(0);
        let failures = self.account.get(Field::Failures).unwrap_or(0);
        if attempts > u64::from(MAX_ATTEMPTS) {
            return Some(format!("{attempts} attempts spent on one challenge"));
        }
        if failures > u64::from(THRESHOLD) {
            return Some(format!("{failures} failures counted within one lock"));
        }
        if self.granted > THRESHOLD * (self.resets + 1) {
            return Some(format!(
                "{} guesses granted around {} right codes",
                self.granted, self.resets
            ));
        }
        if self.consumed > 1 {
            return Some(format!("consumed {} times", self.consumed));
        }
        if self.accepted_without_guess > 0 {
            return Some("a right code accepted without a guess from the budget".into());
        }
        None
    }
}

/// Plays `kinds` as concurrent actors in the order `schedule` picks them (an index into
/// the actors still running), moving the clock on by `ticks` seconds between steps.
fn play(store: Store, kinds: &[Kind], schedule: &[(usize, u64)]) -> Result<(), String> {
    let mut world = World::new();
    let mut actors: Vec<Actor> = kinds
        .iter()
        .map(|&kind| Actor {
            kind,
            step: 0,
            challenge: Row::default(),
            account: Row::default(),
            granted: false,
            done: false,
        })
        .collect();
    let mut turns = schedule.iter().cycle();
    while actors.iter().any(|a| !a.done) {
        let (pick, ticks) = turns.next().copied().unwrap_or((0, 0));
        let running: Vec<usize> = (0..actors.len()).filter(|&i| !actors[i].done).collect();
        let actor = &mut actors[running[pick % running.len()]];
        world.step(store, actor);
        world.now += ticks * 1_000;
        if let Some(why) = world.broken() {
            return Err(why);
        }
    }
    Ok(())
}

fn kinds() -> impl Strategy<Value = Vec<Kind>> {
    let kind = prop_oneof![
        6 => Just(Kind::Verify { right: false }),
        2 => Just(Kind::Verify { right: true }),
        1 => Just(Kind::Resend),
        1 => Just(Kind::Settle),
    ];
    prop::collection::vec(kind, 2..12)
}

fn schedules() -> impl Strategy<Value = Vec<(usize, u64)>> {
    // Mostly no time between steps (a burst), sometimes a few seconds, rarely 50.
    let ticks = prop_oneof![8 => Just(0u64), 3 => 1u64..5, 1 => Just(50u64)];
    prop::collection::vec((0usize..12, ticks), 1..64)
}

proptest! {
    #![proptest_config(Config { cases: 4_000, ..Config::default() })]

    /// Every interleaving of up to eleven actors keeps every invariant.
    #[test]
    fn every_interleaving_keeps_the_limits(kinds in kinds(), schedule in schedules()) {
        if let Err(why) = play(Store::Atomic, &kinds, &schedule) {
            prop_assert!(false, "{why}");
        }
    }
}

/// The model is strong enough to see the burst bugs: a store that checks a guard on what
/// the actor read, then writes, breaks an invariant in some interleaving, which a
/// seeded search finds.
#[test]
fn a_read_then_write_store_is_caught() {
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases: 4_000,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let found = runner.run(&(kinds(), schedules()), |(kinds, schedule)| {
        play(Store::ReadThenWrite, &kinds, &schedule).map_err(TestCaseError::fail)
    });
    let Err(TestError::Fail(why, (kinds, schedule))) = found else {
        panic!("the broken store passed every interleaving");
    };
    // The smallest case the search shrank to: a burst of a few actors.
    eprintln!(
        "read-then-write store: {why} with {kinds:?} in {} turns",
        schedule.len()
    );
}
