'use strict';

// The server keyring: the keys derived from a server's secrets (the current one and a few
// previous ones), kept inside the core, with every operation on them. JS hands in the
// secrets once and then gets hashes, verdicts and sealed values; no derived key is ever
// a JS value. Verifications and opening say whether a previous secret's key matched
// (`stale`), so that the caller can hash or seal the value again under the current one.
// Also the signature of an SMS webhook request.

const check = require('./check');

module.exports = ({ wasm, L, coreError }) => {
  const MAX_SEALED_CHARS = L.MAX_SEAL_BYTES * 2;

  /** Runs a wasm call, turning a core error into a TwoFactorError. */
  const guarded = (call) => {
    try {
      return call();
    } catch (thrown) {
      throw coreError(thrown);
    }
  };

  /** A string of at most `max` UTF-8 bytes (the core's bounds are in bytes). */
  const utf8 = (value, name, min, max) => {
    check.string(value, name, min, max);
    const length = Buffer.byteLength(value, 'utf8');
    if (length > max) throw new RangeError(`"${name}" must be at most ${max} bytes of UTF-8, got ${length}`);
    return value;
  };

  const secret = (value, name) => check.bytes(value, name, L.MIN_KEY_BYTES, L.MAX_KEY_BYTES);

  /**
   * The previous secrets as the core takes them: one array of all their bytes and the
   * length of each. The array and each element are read once, so a getter cannot hand
   * the core something other than what was checked.
   */
  const previousSecrets = (value) => {
    if (!Array.isArray(value)) throw new TypeError('"previous" must be an array of Uint8Arrays');
    const count = value.length;
    if (count > L.MAX_PREVIOUS_SECRETS) {
      throw new RangeError(`"previous" must hold at most ${L.MAX_PREVIOUS_SECRETS} secrets, got ${count}`);
    }
    const copies = [];
    for (let i = 0; i < count; i++) {
      try {
        copies.push(secret(value[i], 'previous'));
      } catch (error) {
        error.message = `${error.message} (item ${i})`;
        throw error;
      }
    }
    const lengths = Uint32Array.from(copies, (copy) => copy.length);
    const bytes = new Uint8Array(lengths.reduce((sum, length) => sum + length, 0));
    let at = 0;
    for (const copy of copies) {
      bytes.set(copy, at);
      at += copy.length;
      copy.fill(0);
    }
    return { bytes, lengths };
  };

  const codeString = (code) => check.digitString(code, 'code', L.MIN_CODE_DIGITS, L.MAX_CODE_DIGITS);
  const salt = (value) => check.bytes(value, 'salt', L.MIN_SALT_BYTES, L.MAX_SALT_BYTES);
  const storedHash = (hash) => check.string(hash, 'hash', L.HASH_HEX_CHARS, L.HASH_HEX_CHARS);
  const token = (value, name) => check.string(value, name, 1, L.MAX_TOKEN_INPUT_CHARS);
  const associatedData = (value) => check.textOrBytes(value, 'associatedData', L.MAX_SEAL_BYTES);

  /** A verification's answer, the position of the key that matched or -1: null for no match, else whether a previous key matched. */
  const match = (index) => (index === -1 ? null : { stale: index > 0 });

  class Keyring {
    #ring;

    /**
     * `context` names the application in every derivation (HKDF info "{context} {label}");
     * `secret` is the current secret, `previous` the secrets rotated out, most recent first.
     */
    constructor(opts) {
      check.options(opts, 'opts', ['context', 'secret', 'previous']);
      // Each option is read once: a getter could give the core another value than the check.
      const context = utf8(opts.context, 'context', 1, L.MAX_CONTEXT_BYTES);
      const current = secret(opts.secret, 'secret');
      const given = opts.previous;
      const previous = previousSecrets(given === undefined ? [] : given);
      try {
        this.#ring = guarded(() => new wasm.Keyring(context, current, previous.bytes, previous.lengths));
      } finally {
        // The copies are ours: wipe them now that the core has derived its keys.
        current.fill(0);
        previous.bytes.fill(0);
      }
    }

    /** The keyed, salted hash of a one-time code under the current key. */
    hashCode(code, saltBytes) {
      codeString(code);
      return guarded(() => this.#ring.hashCode(code, salt(saltBytes), false));
    }

    /** null when `code` does not match; otherwise `{ stale }`, true when a previous key matched. */
    verifyCode(code, hash, saltBytes) {
      codeString(code);
      storedHash(hash);
      return match(guarded(() => this.#ring.verifyCode(code, hash, salt(saltBytes), false)));
    }

    hashRecoveryCode(code, saltBytes) {
      check.string(code, 'code', 1, L.MAX_RECOVERY_INPUT_BYTES);
      return guarded(() => this.#ring.hashCode(code, salt(saltBytes), true));
    }

    /** As verifyCode; input not shaped like a recovery code does not match. */
    verifyRecoveryCode(code, hash, saltBytes) {
      check.string(code, 'code', 0, L.MAX_RECOVERY_INPUT_BYTES);
      storedHash(hash);
      return match(guarded(() => this.#ring.verifyCode(code, hash, salt(saltBytes), true)));
    }

    /** What to store and index for a token: its keyed hash under the current key. */
    tokenHash(value) {
      return this.#ring.tokenHash(token(value, 'token'), false);
    }

    /** The token's hash under every key, current first: what a lookup must look for. */
    tokenHashes(value) {
      return this.#ring.tokenHashes(token(value, 'token'));
    }

    /** A subject counted by a limit (a phone number), stored as its keyed hash only. */
    subjectHash(value) {
      return this.#ring.tokenHash(token(value, 'value'), true);
    }

    /** Seals `plaintext` under the current key, bound to `associatedData`. */
    seal(plaintext, ad) {
      const data = check.bytes(plaintext, 'plaintext', 0, L.MAX_SEAL_BYTES);
      return guarded(() => this.#ring.seal(data, associatedData(ad)));
    }

    /**
     * `{ plaintext, stale }`, stale when a previous key opened it; throws TwoFactorError
     * UNSEAL_FAILED when no key does.
     */
    open(sealed, ad) {
      check.string(sealed, 'sealed', 1, MAX_SEALED_CHARS);
      // The key's position, then the plaintext (the binding's keyring.rs).
      const out = guarded(() => this.#ring.open(sealed, associatedData(ad)));
      const opened = { plaintext: out.slice(1), stale: out[0] > 0 };
      out.fill(0);
      return opened;
    }
  }

  /** Runs `sign` with a webhook secret (text or bytes, not empty) as bytes of our own, wiped after. */
  function withWebhookSecret(value, sign) {
    const key = check.textOrBytes(value, 'secret', L.MAX_WEBHOOK_SECRET_BYTES);
    try {
      if (key.length === 0) throw new RangeError('"secret" must not be empty');
      return sign(key);
    } finally {
      key.fill(0);
    }
  }

  /** `sha256=` and the hex HMAC-SHA-256 of `${timestampSeconds}.${body}` under `secret`. */
  function webhookSignature(secretValue, timestampSeconds, body) {
    return withWebhookSecret(secretValue, (key) => {
      const timestamp = check.time(timestampSeconds, 'timestampSeconds');
      utf8(body, 'body', 0, L.MAX_WEBHOOK_BODY_BYTES);
      return guarded(() => wasm.signWebhook(key, timestamp, false, body))[1];
    });
  }

  /** `{ timestamp, signature }` of `body` signed at `now` (unix ms; default the clock): the two headers' values. */
  function signWebhook(opts) {
    check.options(opts, 'opts', ['secret', 'now', 'body']);
    const now = check.now(opts.now);
    return withWebhookSecret(opts.secret, (key) => {
      const body = opts.body;
      utf8(body, 'body', 0, L.MAX_WEBHOOK_BODY_BYTES);
      const [timestamp, signature] = guarded(() => wasm.signWebhook(key, now, true, body));
      return { timestamp: Number(timestamp), signature };
    });
  }

  return { Keyring, webhookSignature, signWebhook };
};
