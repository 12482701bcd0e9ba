'use strict';

// The server keys, as operations. The core derives them from the configured secret with
// HKDF-SHA-256, one per use (code hashes, token hashes, sealing), none the session JWT
// secret, and keeps them: this service hands it the secrets once and never holds a key.
const { randomBytes } = require('node:crypto');
const tf = require('two-factor-wasm');
const { LIMITS } = tf;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
// What every value sealed by the core starts with (its format version).
const SEALED_PREFIX = 'v1.';
// Part of every key's derivation: changing it would orphan every stored hash and seal.
const CONTEXT = 'strapi-plugin-two-factor';

/** Decodes the configured secret, or explains precisely why it is unusable. */
const decodeSecret = (secret) => {
  if (typeof secret !== 'string' || !BASE64.test(secret)) {
    throw new Error('strapi-plugin-two-factor: `secret` (TWO_FACTOR_SECRET) must be base64, e.g. the output of `openssl rand -base64 32`');
  }
  const bytes = Buffer.from(secret, 'base64');
  if (bytes.length < LIMITS.MIN_KEY_BYTES) {
    throw new Error(
      `strapi-plugin-two-factor: \`secret\` (TWO_FACTOR_SECRET) decodes to ${bytes.length} bytes; at least ${LIMITS.MIN_KEY_BYTES} are required`,
    );
  }
  if (bytes.length > LIMITS.MAX_KEY_BYTES) {
    throw new Error(
      `strapi-plugin-two-factor: \`secret\` (TWO_FACTOR_SECRET) decodes to ${bytes.length} bytes; at most ${LIMITS.MAX_KEY_BYTES} are used`,
    );
  }
  return bytes;
};

/** @param {import('../domain').Domain} d */
module.exports = (d) => {
  // New hashes and seals use the current secret's keys; stored ones made under a previous
  // secret still verify and open (and say `stale`), so a secret can be rotated without
  // locking enrolled users out.
  let keyring = null;
  let previousCount = 0;
  const loaded = () => {
    if (!keyring) throw new Error('strapi-plugin-two-factor: keys used before bootstrap');
    return keyring;
  };

  return {
    /** Reads the secrets once at startup; throws (and so stops Strapi) when one is unusable. */
    load() {
      const secret = d.config('secret');
      let master;
      if (secret) {
        master = decodeSecret(secret);
      } else if (process.env.NODE_ENV === 'production') {
        throw new Error(
          'strapi-plugin-two-factor: set `secret` (TWO_FACTOR_SECRET) to at least 32 random bytes in base64; production never runs without it',
        );
      } else {
        // Development only: a random key per process, so codes do not survive a restart.
        // There is deliberately no built-in default key.
        d.log.warn('[two-factor] No TWO_FACTOR_SECRET set: using a random key for this process (development only).');
        master = randomBytes(32);
      }
      const previous = (d.config('previousSecrets') ?? []).map(decodeSecret);
      if (previous.length > LIMITS.MAX_PREVIOUS_SECRETS) {
        throw new Error(
          `strapi-plugin-two-factor: \`previousSecrets\` holds ${previous.length} secrets; at most ${LIMITS.MAX_PREVIOUS_SECRETS} are kept`,
        );
      }
      try {
        keyring = new tf.Keyring({ context: CONTEXT, secret: master, previous });
        previousCount = previous.length;
      } finally {
        for (const bytes of [master, ...previous]) bytes.fill(0);
      }
    },

    /** The keyed, salted hash of a new one-time code. */
    hashCode: (code, salt) => loaded().hashCode(code, salt),
    /** null when `code` does not match its stored hash; otherwise `{ stale }`. */
    verifyCode: (code, hash, salt) => loaded().verifyCode(code, hash, salt),
    hashRecoveryCode: (code, salt) => loaded().hashRecoveryCode(code, salt),
    /** null when the typed recovery code does not match its stored hash; otherwise `{ stale }`. */
    verifyRecoveryCode: (code, hash, salt) => loaded().verifyRecoveryCode(code, hash, salt),
    /**
     * What is stored and indexed for a challenge or device token: its HMAC under the
     * token key, so a row written by anyone without the secret matches no token.
     */
    tokenHash: (token) => loaded().tokenHash(token),
    /** Every hash a stored token may have been made with, current first (for lookups). */
    tokenHashes: (token) => loaded().tokenHashes(token),
    /** A subject counted by a limit (a phone number) without storing it: its keyed hash. */
    subjectHash: (value) => loaded().subjectHash(value),
    /** Seals `bytes` (a TOTP secret) under the current key, bound to `associatedData`. */
    seal: (bytes, associatedData) => loaded().seal(bytes, associatedData),
    /** Seals `text` (a phone number, an address) under the current key, bound to `associatedData`. */
    sealText: (text, associatedData) => loaded().seal(Buffer.from(text, 'utf8'), associatedData),
    /**
     * Opens a sealed value with the current key or a previous one: `{ plaintext, stale }`,
     * where `stale` says it should be sealed again with the current key.
     */
    open: (sealed, associatedData) => loaded().open(sealed, associatedData),
    /**
     * Opens what `sealText` made: `{ text, stale }`, `stale` when it should be sealed
     * again under the current key. A value stored before such values were sealed is
     * returned as it is, and is stale.
     */
    openText(value, associatedData) {
      if (!value.startsWith(SEALED_PREFIX)) return { text: value, stale: true };
      const { plaintext, stale } = this.open(value, associatedData);
      const text = Buffer.from(plaintext).toString('utf8');
      plaintext.fill(0);
      return { text, stale };
    },

    /**
     * `open` (or `openText`, with `text`) of a stored value, or null when it does not
     * open: sealed under a secret no longer configured, or not a sealed value at all (a
     * corrupt row). Stored values are data, not arguments: a caller makes the factor
     * unavailable, never a 500.
     */
    openStored(value, associatedData, { text = false } = {}) {
      try {
        return text ? this.openText(value, associatedData) : this.open(value, associatedData);
      } catch (error) {
        if (error instanceof tf.TwoFactorError || error instanceof RangeError || error instanceof TypeError) return null;
        throw error;
      }
    },

    /** How many previous secrets are configured: while any is, stored values are sealed again at start-up. */
    previousSecrets: () => previousCount,
  };
};
