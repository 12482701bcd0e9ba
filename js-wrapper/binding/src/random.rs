//! Randomness for the core: the operating system's generator, drawn in blocks.
//!
//! In Node.js every `getrandom` call crosses into JS and runs
//! `crypto.getRandomValues`, which costs several microseconds; Node's own
//! `crypto.randomInt` keeps a pool for the same reason. Bytes come from a 512-byte
//! block of OS randomness and are wiped as they are handed out, so that a later look at
//! memory does not reveal codes or salts already issued. The pool is a static behind a
//! lock that is never contended (the wasm is single-threaded), and no import that can
//! throw is called while it is held: `getrandom` catches what `getRandomValues` throws.

use rand_core::{TryCryptoRng, TryRng};
use spin::Mutex;
use zeroize::Zeroize;

const POOL_BYTES: usize = 512;

struct Pool {
    bytes: [u8; POOL_BYTES],
    /// Bytes before this index are spent (and wiped).
    used: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    bytes: [0; POOL_BYTES],
    used: POOL_BYTES,
});

impl Pool {
    fn take(&mut self, dst: &mut [u8]) -> Result<(), getrandom::Error> {
        // Large requests (secrets, tokens are at most 64 bytes) go straight to the OS.
        if dst.len() > POOL_BYTES / 4 {
            return getrandom::fill(dst);
        }
        let end = match self.used.checked_add(dst.len()) {
            Some(end) if end <= POOL_BYTES => end,
            _ => {
                getrandom::fill(&mut self.bytes)?;
                self.used = 0;
                dst.len()
            }
        };
        match self.bytes.get_mut(self.used..end) {
            Some(src) => {
                dst.copy_from_slice(src);
                src.zeroize();
                self.used = end;
                Ok(())
            }
            None => getrandom::fill(dst),
        }
    }
}

/// The generator every binding passes to the core.
pub(crate) struct PooledRng;

impl TryRng for PooledRng {
    type Error = getrandom::Error;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        POOL.lock().take(dst)
    }
}

impl TryCryptoRng for PooledRng {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_differ_and_cross_refills() {
        let mut rng = PooledRng;
        let mut seen = std::collections::HashSet::new();
        // 200 draws of 8 bytes span more than three refills of the pool.
        for _ in 0..200 {
            assert!(seen.insert(rng.try_next_u64().unwrap()));
        }
        let mut big = [0u8; 300];
        rng.try_fill_bytes(&mut big).unwrap();
        assert_ne!(big, [0u8; 300]);
    }

    #[test]
    fn spent_bytes_are_wiped() {
        let mut rng = PooledRng;
        rng.try_next_u64().unwrap();
        let pool = POOL.lock();
        assert!(pool.bytes[..pool.used].iter().all(|&b| b == 0));
    }
}
