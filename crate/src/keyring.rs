//! The server's keys, derived from its configured secrets, with every operation on them.
//!
//! One master secret gives three keys by HKDF-SHA-256 (RFC 5869, empty salt): one for
//! code hashes, one for token hashes, one for sealing. A keyring holds the keys of the
//! current secret and of a few previous ones, so that a secret can be rotated without
//! locking anyone out: new hashes and seals use the current keys, stored ones made under
//! a previous secret still verify and open, and the answer says which key matched, so
//! that the caller can hash or seal the value again under the current one.
//!
//! The raw keys never leave the keyring: a caller hands in secrets and gets back hashes,
//! verdicts and sealed values.

use alloc::{string::String, vec::Vec};
use core::fmt;

use hkdf::Hkdf;
use rand_core::TryCryptoRng;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::key::{HashKey, MAX_KEY_BYTES, MIN_KEY_BYTES, SEAL_KEY_BYTES, SealKey};
use crate::{Error, Result};

/// Most previous secrets a keyring keeps besides the current one. Every verification
/// tries each key, so the list is short: a rotation needs one, a second covers a
/// rotation started before the previous one was finished.
pub const MAX_PREVIOUS_SECRETS: usize = 4;
/// Longest derivation context, in bytes (the application's name, such as
/// `strapi-plugin-two-factor`).
pub const MAX_CONTEXT_BYTES: usize = 64;

/// HKDF info labels, after the context and a space. Changing one changes every key
/// derived from it, so that every stored hash and sealed value would stop matching.
const CODE_LABEL: &str = "code hash v1";
const TOKEN_LABEL: &str = "token hash v1";
const SEAL_LABEL: &str = "seal v1";

/// What [`Keyring::subject_hash`] puts before a subject counted by a limit, so that a
/// subject's hash is never the hash of a token.
const SUBJECT_PREFIX: &str = "subject:";

/// Which key of a keyring matched a stored hash or opened a sealed value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyUsed {
    /// The current secret's key: nothing to do.
    Current,
    /// The previous secret at this position (0 is the first previous secret given): the
    /// value should be hashed or sealed again under the current key.
    Previous(usize),
}

impl KeyUsed {
    /// From a position in the keyring, 0 being the current secret.
    fn at(index: usize) -> Self {
        match index.checked_sub(1) {
            None => Self::Current,
            Some(previous) => Self::Previous(previous),
        }
    }

    /// The position in the keyring: 0 for the current secret, then the previous ones in
    /// the order they were given.
    #[must_use]
    pub const fn index(self) -> usize {
        match self {
            Self::Current => 0,
            Self::Previous(previous) => previous.saturating_add(1),
        }
    }

    /// Whether the value was made under a previous secret and should be made again.
    #[must_use]
    pub const fn is_stale(self) -> bool {
        matches!(self, Self::Previous(_))
    }
}

/// The three keys of one secret.
struct KeySet {
    code: HashKey,
    token: HashKey,
    seal: SealKey,
}

impl KeySet {
    /// Each key is HKDF-SHA-256 (RFC 5869, the RustCrypto `hkdf` crate) of the secret,
    /// with no salt and the info `"{context} {label}"`.
    fn derive(context: &str, secret: &[u8]) -> Result<Self> {
        if secret.len() < MIN_KEY_BYTES {
            return Err(Error::KeyTooShort);
        }
        if secret.len() > MAX_KEY_BYTES {
            return Err(Error::KeyTooLong);
        }
        let hkdf = Hkdf::<Sha256>::new(None, secret);
        let key = |label: &str| -> Result<Zeroizing<[u8; SEAL_KEY_BYTES]>> {
            let mut okm = Zeroizing::new([0u8; SEAL_KEY_BYTES]);
            // 32 bytes is far below HKDF-SHA-256's limit of 255 × 32: this cannot fail.
            hkdf.expand_multi_info(&[context.as_bytes(), b" ", label.as_bytes()], &mut *okm)
                .map_err(|_| Error::KeyTooLong)?;
            Ok(okm)
        };
        Ok(Self {
            code: HashKey::new(&*key(CODE_LABEL)?)?,
            token: HashKey::new(&*key(TOKEN_LABEL)?)?,
            seal: SealKey::new(&*key(SEAL_LABEL)?)?,
        })
    }
}

/// The keys of the current secret and of up to [`MAX_PREVIOUS_SECRETS`] previous ones.
///
/// Every key is derived with HKDF-SHA-256, empty salt, info `"{context} {label}"`, 32
/// bytes, for the labels `code hash v1`, `token hash v1` and `seal v1`: the same keys
/// Node's `hkdfSync('sha256', secret, '', info, 32)` gives. The derived keys are wiped
/// when the keyring is dropped, and its `Debug` output shows none of them.
///
/// ```
/// use two_factor_core::{KeyUsed, Keyring};
///
/// # fn main() -> Result<(), two_factor_core::Error> {
/// let old = Keyring::new("my-app", &[1u8; 32], &[])?;
/// let salt = [7u8; 16];
/// let stored = old.hash_code("123456", &salt)?;
///
/// // The secret is rotated: the old one is kept as a previous secret.
/// let keyring = Keyring::new("my-app", &[2u8; 32], &[&[1u8; 32]])?;
/// assert_eq!(keyring.verify_code("123456", &stored, &salt), Ok(KeyUsed::Previous(0)));
/// assert!(keyring.verify_code("654321", &stored, &salt).is_err());
/// # Ok(())
/// # }
/// ```
pub struct Keyring {
    /// The current secret's keys: every new hash and seal.
    current: KeySet,
    /// The previous secrets' keys, in the order given.
    previous: Vec<KeySet>,
}

impl Keyring {
    /// Derives the keys of `current` and of each of `previous` (most recent first).
    ///
    /// # Errors
    /// [`Error::Context`] for a context that is empty or longer than
    /// [`MAX_CONTEXT_BYTES`]; [`Error::SecretCount`] for more than
    /// [`MAX_PREVIOUS_SECRETS`] previous secrets; [`Error::KeyTooShort`] or
    /// [`Error::KeyTooLong`] for a secret outside
    /// [`MIN_KEY_BYTES`]..=[`MAX_KEY_BYTES`].
    pub fn new(context: &str, current: &[u8], previous: &[&[u8]]) -> Result<Self> {
        if context.is_empty() || context.len() > MAX_CONTEXT_BYTES {
            return Err(Error::Context);
        }
        if previous.len() > MAX_PREVIOUS_SECRETS {
            return Err(Error::SecretCount);
        }
        let current = KeySet::derive(context, current)?;
        let mut sets = Vec::with_capacity(previous.len());
        for secret in previous {
            sets.push(KeySet::derive(context, secret)?);
        }
        Ok(Self {
            current,
            previous: sets,
        })
    }

    /// Every key set, current first: position 0 is the current secret.
    fn sets(&self) -> impl Iterator<Item = &KeySet> {
        core::iter::once(&self.current).chain(&self.previous)
    }

    /// The first key under which `matches` holds. Every key is tried, whichever
    /// matches, so the time taken does not tell which one did.
    fn first_match(&self, matches: impl Fn(&KeySet) -> Result<bool>) -> Result<KeyUsed> {
        let mut found = None;
        for (index, set) in self.sets().enumerate() {
            let matched = matches(set)?;
            if matched && found.is_none() {
                found = Some(index);
            }
        }
        found.map(KeyUsed::at).ok_or(Error::Mismatch)
    }

    /// The keyed hash of a one-time code under the current code key: [`crate::hash_code`].
    ///
    /// # Errors
    /// As [`crate::hash_code`].
    pub fn hash_code(&self, code: &str, salt: &[u8]) -> Result<String> {
        crate::hash_code(code, &self.current.code, salt)
    }

    /// Which code key `code` matches `hash` under ([`crate::verify_code`] under each,
    /// in constant time).
    ///
    /// # Errors
    /// [`Error::Mismatch`] when no key matches; otherwise as [`crate::verify_code`].
    pub fn verify_code(&self, code: &str, hash: &str, salt: &[u8]) -> Result<KeyUsed> {
        self.first_match(|set| crate::verify_code(code, hash, &set.code, salt))
    }

    /// The keyed hash of a recovery code under the current code key:
    /// [`crate::hash_recovery_code`].
    ///
    /// # Errors
    /// As [`crate::hash_recovery_code`].
    pub fn hash_recovery_code(&self, code: &str, salt: &[u8]) -> Result<String> {
        crate::hash_recovery_code(code, &self.current.code, salt)
    }

    /// Which code key a typed recovery code matches its stored hash under
    /// ([`crate::verify_recovery_code`] under each, in constant time).
    ///
    /// # Errors
    /// [`Error::Mismatch`] when no key matches (input not shaped like a recovery code
    /// included); otherwise as [`crate::verify_recovery_code`].
    pub fn verify_recovery_code(&self, code: &str, hash: &str, salt: &[u8]) -> Result<KeyUsed> {
        self.first_match(|set| crate::verify_recovery_code(code, hash, &set.code, salt))
    }

    /// What is stored and indexed for a challenge or device token: its
    /// [`crate::keyed_token_hash`] under the current token key.
    #[must_use]
    pub fn token_hash(&self, token: &str) -> String {
        crate::keyed_token_hash(token, &self.current.token)
    }

    /// The hash of `token` under every token key, current first: the values an indexed
    /// lookup (`WHERE token_hash IN (...)`) must look for after a rotation.
    #[must_use]
    pub fn token_hashes(&self, token: &str) -> Vec<String> {
        self.sets()
            .map(|set| crate::keyed_token_hash(token, &set.token))
            .collect()
    }

    /// A subject counted by a limit (a phone number) without storing it: the token hash
    /// of `subject:{value}` under the current token key.
    #[must_use]
    pub fn subject_hash(&self, value: &str) -> String {
        let subject = Zeroizing::new([SUBJECT_PREFIX, value].concat());
        self.token_hash(&subject)
    }

    /// Seals `plaintext` under the current seal key, bound to `associated_data`:
    /// [`crate::seal`].
    ///
    /// # Errors
    /// As [`crate::seal`].
    pub fn seal<R: TryCryptoRng + ?Sized>(
        &self,
        rng: &mut R,
        plaintext: &[u8],
        associated_data: &[u8],
    ) -> Result<String> {
        crate::seal(rng, &self.current.seal, plaintext, associated_data)
    }

    /// Opens a sealed value with the first seal key that opens it, current first, and
    /// says which key that was.
    ///
    /// # Errors
    /// [`Error::Unseal`] when no key opens it (see [`crate::open`]).
    pub fn open(
        &self,
        sealed: &str,
        associated_data: &[u8],
    ) -> Result<(Zeroizing<Vec<u8>>, KeyUsed)> {
        self.sets()
            .enumerate()
            .find_map(|(index, set)| {
                crate::open(&set.seal, sealed, associated_data)
                    .ok()
                    .map(|plaintext| (plaintext, KeyUsed::at(index)))
            })
            .ok_or(Error::Unseal)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keyring { ... }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hkdf::Hkdf;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;
    use sha2::Sha256;

    const CONTEXT: &str = "strapi-plugin-two-factor";

    /// The secret of the fixed vectors: the bytes 0, 1, ..., 31.
    fn master() -> Vec<u8> {
        (0u8..32).collect()
    }

    const PREVIOUS: [u8; 40] = [0xAA; 40];

    fn keyring() -> Keyring {
        Keyring::new(CONTEXT, &master(), &[&PREVIOUS]).unwrap()
    }

    /// The raw keys, for the vectors only: nothing outside this module can see them.
    fn raw(secret: &[u8], label: &str) -> String {
        let mut okm = [0u8; 32];
        Hkdf::<Sha256>::new(None, secret)
            .expand_multi_info(&[CONTEXT.as_bytes(), b" ", label.as_bytes()], &mut okm)
            .unwrap();
        base16ct::lower::encode_string(&okm)
    }

    // Computed with Node.js:
    //   hkdfSync('sha256', secret, Buffer.alloc(0), `strapi-plugin-two-factor ${label}`, 32)
    // which is how the plugin derived its keys before the keyring, so these pin that
    // every hash and sealed value already stored keeps matching.
    #[test]
    fn keys_match_node_hkdf() {
        let cases = [
            (
                master(),
                [
                    "194b1a902b75f8715c7cc5b0e10c67cba7d4e9921d953399204e1c5083b225e5",
                    "e13431aba3e8b9a0cd05fcc896ebea44aa5f518509f6a97753481b44f6e93b41",
                    "972e08638984e65a0fcae3ee7a89de1a3a99d6c242a2060aaa34ad042276f0f7",
                ],
            ),
            (
                PREVIOUS.to_vec(),
                [
                    "997c2914192ed66db26e90bd75adda397a88bcb08e54c694ef7be5348f31657a",
                    "857a3c9399020efad1a96fbd5b313433441c7c1fdfda5d9097d4df6ec4f4046f",
                    "934a2d35aceccda675044e5ffa864a07d77c5b5b93f47deb6710c4bd5c4b22f3",
                ],
            ),
        ];
        for (secret, [code, token, seal]) in cases {
            assert_eq!(raw(&secret, CODE_LABEL), code);
            assert_eq!(raw(&secret, TOKEN_LABEL), token);
            assert_eq!(raw(&secret, SEAL_LABEL), seal);
        }
    }

    // HMAC-SHA-256 under the Node-derived keys, computed with Node's createHmac.
    #[test]
    fn hashes_match_node() {
        let keyring = keyring();
        assert_eq!(
            keyring.token_hash("challenge-token"),
            "ceb918e1c158cb897ead0088e8c76ff4dac69161a3f2e61be1ed5a77c4f9dbed"
        );
        assert_eq!(
            keyring.token_hashes("challenge-token"),
            [
                "ceb918e1c158cb897ead0088e8c76ff4dac69161a3f2e61be1ed5a77c4f9dbed",
                "48be05f6696bef1375ff2967b6a0b92cc2f01c9cde3951f7a1a13a8049ae7fab",
            ]
        );
        assert_eq!(
            keyring.subject_hash("+15550100000"),
            "a6fbfcc48a04100cef638c417b6a3501c4a6e3bb4c09627fa32a0bc279b31dbc"
        );
        let salt = [1u8; 16];
        assert_eq!(
            keyring.hash_code("123456", &salt).unwrap(),
            "10e11941c4cdbdd760f6eee023244c445ac8b8352698e98adc10fea82e228d55"
        );
        // A hash stored under the previous secret's code key.
        let old = "a617994892f124bd031101b1655ce78e72001548d5a2ee0718c9b4b177b9d3b4";
        assert_eq!(
            keyring.verify_code("123456", old, &salt),
            Ok(KeyUsed::Previous(0))
        );
    }

    // Sealed by the plugin before the keyring: tf.sealSecret under the Node-derived seal
    // key of `master()`, associated data `two-factor totp user:1`.
    const SEALED_BY_NODE: &str =
        "v1.CyBh5qE9OU_CUSN8qikQsj0zqvl8GpNC-EOCMePjHZgeQsoXnMLbTNjZLT1zCnFXzNMnAZJ3gYVjCza1";

    #[test]
    fn opens_what_node_sealed() {
        let (plaintext, used) = keyring()
            .open(SEALED_BY_NODE, b"two-factor totp user:1")
            .unwrap();
        assert_eq!(plaintext.as_slice(), b"12345678901234567890");
        assert_eq!(used, KeyUsed::Current);
    }

    #[test]
    fn codes_verify_under_the_key_that_made_them() {
        let salt = [3u8; 16];
        let old = Keyring::new(CONTEXT, &PREVIOUS, &[]).unwrap();
        let new = keyring();
        let made_old = old.hash_code("123456", &salt).unwrap();
        let made_new = new.hash_code("123456", &salt).unwrap();
        assert_eq!(
            new.verify_code("123456", &made_new, &salt),
            Ok(KeyUsed::Current)
        );
        assert_eq!(
            new.verify_code("123456", &made_old, &salt),
            Ok(KeyUsed::Previous(0))
        );
        assert_eq!(
            new.verify_code("123457", &made_new, &salt),
            Err(Error::Mismatch)
        );
        assert_eq!(
            old.verify_code("123456", &made_new, &salt),
            Err(Error::Mismatch)
        );
        assert_eq!(
            new.verify_code("123456", "zz", &salt),
            Err(Error::HashFormat)
        );
        assert_eq!(
            new.verify_code("123456", &made_new, &[0u8; 4]),
            Err(Error::SaltLength)
        );
    }

    #[test]
    fn recovery_codes_verify_under_the_key_that_made_them() {
        let salt = [4u8; 16];
        let old = Keyring::new(CONTEXT, &PREVIOUS, &[]).unwrap();
        let new = keyring();
        let made_old = old.hash_recovery_code("abcd-efgh-jkmn", &salt).unwrap();
        assert_eq!(
            new.verify_recovery_code("ABCD EFGH JKMN", &made_old, &salt),
            Ok(KeyUsed::Previous(0))
        );
        let made_new = new.hash_recovery_code("abcd-efgh-jkmn", &salt).unwrap();
        assert_eq!(
            new.verify_recovery_code("abcdefghjkmn", &made_new, &salt),
            Ok(KeyUsed::Current)
        );
        for wrong in ["abcd-efgh-jkmp", "123456", ""] {
            assert_eq!(
                new.verify_recovery_code(wrong, &made_new, &salt),
                Err(Error::Mismatch)
            );
        }
        assert_eq!(
            new.hash_recovery_code("0000-0000-0000", &salt),
            Err(Error::RecoveryFormat)
        );
    }

    #[test]
    fn seals_open_under_the_key_that_made_them() {
        let mut rng = ChaCha20Rng::seed_from_u64(1);
        let old = Keyring::new(CONTEXT, &PREVIOUS, &[]).unwrap();
        let new = keyring();
        let sealed_old = old.seal(&mut rng, b"secret", b"ad").unwrap();
        let sealed_new = new.seal(&mut rng, b"secret", b"ad").unwrap();
        let (plaintext, used) = new.open(&sealed_old, b"ad").unwrap();
        assert_eq!(
            (plaintext.as_slice(), used),
            (&b"secret"[..], KeyUsed::Previous(0))
        );
        let (_, used) = new.open(&sealed_new, b"ad").unwrap();
        assert_eq!(used, KeyUsed::Current);
        assert_eq!(new.open(&sealed_new, b"other").err(), Some(Error::Unseal));
        assert_eq!(old.open(&sealed_new, b"ad").err(), Some(Error::Unseal));
        assert_eq!(new.open("v1.garbage", b"ad").err(), Some(Error::Unseal));
    }

    #[test]
    fn later_previous_secrets_report_their_position() {
        let salt = [5u8; 16];
        let third = [0x33u8; 32];
        let made = Keyring::new(CONTEXT, &third, &[])
            .unwrap()
            .hash_code("999999", &salt)
            .unwrap();
        let keyring = Keyring::new(CONTEXT, &master(), &[&PREVIOUS, &third]).unwrap();
        let used = keyring.verify_code("999999", &made, &salt).unwrap();
        assert_eq!(used, KeyUsed::Previous(1));
        assert_eq!((used.index(), used.is_stale()), (2, true));
        assert_eq!(
            (KeyUsed::Current.index(), KeyUsed::Current.is_stale()),
            (0, false)
        );
        assert_eq!(keyring.token_hashes("t").len(), 3);
    }

    #[test]
    fn the_context_separates_keyrings() {
        let a = Keyring::new("app-a", &master(), &[]).unwrap();
        let b = Keyring::new("app-b", &master(), &[]).unwrap();
        assert_ne!(a.token_hash("t"), b.token_hash("t"));
        assert_ne!(a.subject_hash("t"), a.token_hash("t"));
        assert_eq!(a.subject_hash("t"), a.token_hash("subject:t"));
    }

    #[test]
    fn arguments_are_bounded() {
        let short = [0u8; MIN_KEY_BYTES - 1];
        let long = [0u8; MAX_KEY_BYTES + 1];
        let ok = [0u8; MIN_KEY_BYTES];
        assert_eq!(
            Keyring::new(CONTEXT, &short, &[]).err(),
            Some(Error::KeyTooShort)
        );
        assert_eq!(
            Keyring::new(CONTEXT, &long, &[]).err(),
            Some(Error::KeyTooLong)
        );
        assert_eq!(
            Keyring::new(CONTEXT, &ok, &[&short]).err(),
            Some(Error::KeyTooShort)
        );
        assert!(Keyring::new(CONTEXT, &[0u8; MAX_KEY_BYTES], &[]).is_ok());
        assert_eq!(Keyring::new("", &ok, &[]).err(), Some(Error::Context));
        let context = "c".repeat(MAX_CONTEXT_BYTES);
        assert!(Keyring::new(&context, &ok, &[]).is_ok());
        let context = "c".repeat(MAX_CONTEXT_BYTES + 1);
        assert_eq!(Keyring::new(&context, &ok, &[]).err(), Some(Error::Context));
        let previous: Vec<&[u8]> = vec![&ok; MAX_PREVIOUS_SECRETS];
        let keyring = Keyring::new(CONTEXT, &ok, &previous).unwrap();
        assert_eq!(keyring.token_hashes("t").len(), MAX_PREVIOUS_SECRETS + 1);
        let previous: Vec<&[u8]> = vec![&ok; MAX_PREVIOUS_SECRETS + 1];
        assert_eq!(
            Keyring::new(CONTEXT, &ok, &previous).err(),
            Some(Error::SecretCount)
        );
    }

    #[test]
    fn debug_hides_key_material() {
        assert_eq!(format!("{:?}", keyring()), "Keyring { ... }");
    }

    proptest::proptest! {
        #[test]
        fn verify_never_panics(code in ".{0,80}", hash in ".{0,80}", salt in proptest::collection::vec(proptest::num::u8::ANY, 0..80)) {
            let keyring = keyring();
            let _ = keyring.verify_code(&code, &hash, &salt);
            let _ = keyring.verify_recovery_code(&code, &hash, &salt);
            let _ = keyring.open(&hash, &salt);
        }
    }
}
