'use strict';

// The server keys, derived from one configured secret with HKDF-SHA-256 so that each use
// (code hashing now, sealing later) has its own key and none is the session JWT secret.
const { hkdfSync, randomBytes } = require('node:crypto');
const { LIMITS } = require('two-factor-wasm');

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

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
  let codeKey = null;
  let sealKey = null;

  return {
    /** Reads the secret once at startup; throws (and so stops Strapi) when it is unusable. */
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
      codeKey = derive(master, 'code hash v1');
      sealKey = derive(master, 'seal v1');
      master.fill(0);
    },
    /** The HMAC key for one-time and recovery codes, and trusted-device tokens. */
    codeKey() {
      if (!codeKey) throw new Error('strapi-plugin-two-factor: keys used before bootstrap');
      return codeKey;
    },
    /** The XChaCha20-Poly1305 key that seals TOTP secrets. */
    sealKey() {
      if (!sealKey) throw new Error('strapi-plugin-two-factor: keys used before bootstrap');
      return sealKey;
    },
  };
};
