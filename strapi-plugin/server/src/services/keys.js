'use strict';

// The server keys, derived from one configured secret with HKDF-SHA-256 so that each use
// (code hashes, token hashes, sealing) has its own key and none is the session JWT secret.
const { hkdfSync, randomBytes } = require('node:crypto');
const tf = require('two-factor-wasm');
const { LIMITS } = tf;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
// What every value sealed by the core starts with (its format version).
const SEALED_PREFIX = 'v1.';

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
  return bytes;
};

const derive = (master, label) => new Uint8Array(hkdfSync('sha256', master, Buffer.alloc(0), `strapi-plugin-two-factor ${label}`, 32));

module.exports = ({ strapi }) => {
  // [current, ...previous]: each `{ code, token, seal }`. New hashes and seals use the current
  // keys; stored ones made under a previous secret still verify and open, so a secret
  // can be rotated without locking enrolled users out.
  let sets = null;
  const keySet = (master) => {
    const set = { code: derive(master, 'code hash v1'), token: derive(master, 'token hash v1'), seal: derive(master, 'seal v1') };
    master.fill(0);
    return set;
  };
  const loaded = () => {
    if (!sets) throw new Error('strapi-plugin-two-factor: keys used before bootstrap');
    return sets;
  };

  return {
    /** Reads the secrets once at startup; throws (and so stops Strapi) when one is unusable. */
    load() {
      const secret = strapi.config.get('plugin::two-factor.secret');
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
        strapi.log.warn('[two-factor] No TWO_FACTOR_SECRET set: using a random key for this process (development only).');
        master = randomBytes(32);
      }
      const previous = strapi.config.get('plugin::two-factor.previousSecrets') ?? [];
      sets = [keySet(master), ...previous.map((old) => keySet(decodeSecret(old)))];
    },
    /** The HMAC key for new one-time and recovery codes. */
    codeKey: () => loaded()[0].code,
    /** Every HMAC key a stored code hash may have been made with, current first. */
    codeKeys: () => loaded().map((set) => set.code),
    /**
     * What is stored and indexed for a challenge or device token: its HMAC under the
     * token key, so a row written by anyone without the secret matches no token.
     */
    tokenHash: (token) => tf.keyedTokenHash(token, loaded()[0].token),
    /** Every hash a stored token may have been made with, current first (for lookups). */
    tokenHashes: (token) => loaded().map((set) => tf.keyedTokenHash(token, set.token)),
    /** A subject counted by a limit (a phone number) without storing it: its keyed hash. */
    subjectHash: (value) => tf.keyedTokenHash(`subject:${value}`, loaded()[0].token),
    /** The XChaCha20-Poly1305 key for new seals. */
    sealKey: () => loaded()[0].seal,
    /** Seals `text` (a phone number, an address) under the current key, bound to `associatedData`. */
    sealText: (text, associatedData) => tf.sealSecret(Buffer.from(text, 'utf8'), loaded()[0].seal, associatedData),
    /**
     * Opens what `sealText` made: `{ text, stale }`, `stale` when it should be sealed
     * again under the current key. A value stored before such values were sealed is
     * returned as it is, and is stale.
     */
    openText(value, associatedData) {
      if (!value.startsWith(SEALED_PREFIX)) return { text: value, stale: true };
      const { plaintext, stale } = this.open(value, associatedData);
      return { text: Buffer.from(plaintext).toString('utf8'), stale };
    },
    /**
     * Opens a sealed value with the current key or a previous one: `{ plaintext, stale }`,
     * where `stale` says it should be sealed again with the current key.
     */
    open(sealed, associatedData) {
      let failure;
      for (const [index, set] of loaded().entries()) {
        try {
          return { plaintext: tf.openSecret(sealed, set.seal, associatedData), stale: index > 0 };
        } catch (error) {
          if (error.code !== 'UNSEAL_FAILED') throw error;
          failure = error;
        }
      }
      throw failure;
    },
  };
};
