'use strict';

/**
 * The one error class for failures decided by the core, such as a sealed value that
 * does not open or base32 text that is not base32. `code` is stable across versions;
 * `message` is short and never contains an input, a code or a secret.
 */
class TwoFactorError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'TwoFactorError';
    this.code = code;
  }
}

/**
 * Builds the translation from the core's error indexes (what crosses the wasm
 * boundary) to TwoFactorError, reading codes and messages from the core itself so
 * that the two lists cannot drift apart.
 */
function errorTable(wasm) {
  const table = [];
  for (let i = 0; i < wasm.errorCount(); i++) {
    table.push(Object.freeze({ code: wasm.errorCode(i), message: wasm.errorMessage(i) }));
  }
  return table;
}

module.exports = { TwoFactorError, errorTable };
