'use strict';

// Argument checks run before anything crosses into wasm. wasm-bindgen would silently
// turn NaN into 0 and wrap out-of-range numbers, so every number, string and byte array
// is checked here, and the error names the argument. Wrong type: TypeError. Right type,
// wrong value (NaN, fractions, lengths, ranges): RangeError.

// The intrinsic getters read a typed array's internal slots, which no own property,
// prototype swap or Proxy can change, and they work on arrays from any realm. The
// toStringTag getter gives the element type ('Uint8Array'), or undefined for anything
// that is not a typed array.
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype);
const typedArrayName = Object.getOwnPropertyDescriptor(TypedArrayPrototype, Symbol.toStringTag).get;
const typedArrayByteLength = Object.getOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get;
const { isWellFormed } = String.prototype;

function describe(value) {
  if (value === null) return 'null';
  // Not `constructor.name`: a value could name itself anything there.
  const name = typedArrayName.call(value);
  if (name !== undefined) return name;
  if (ArrayBuffer.isView(value)) return 'DataView';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function integer(value, name, min, max) {
  if (typeof value !== 'number') {
    throw new TypeError(`"${name}" must be an integer, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`"${name}" must be an integer, got ${value}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`"${name}" must be from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** A unix time (milliseconds or seconds) or a time step: a safe integer from 0. */
function time(value, name) {
  return integer(value, name, 0, Number.MAX_SAFE_INTEGER);
}

/** A unix time in milliseconds that defaults to the clock. */
function now(value, name = 'now') {
  return value === undefined ? Date.now() : time(value, name);
}

/** A counter the core keeps in 32 bits (attempts, resends, failures). */
function count(value, name) {
  return integer(value, name, 0, 0xffff_ffff);
}

/** The stored times of a rate window (an array read once), as the Float64Array the core takes. */
function times(value, name, max) {
  if (!Array.isArray(value)) throw new TypeError(`"${name}" must be an array of unix milliseconds`);
  if (value.length > max) throw new RangeError(`"${name}" must hold at most ${max} times`);
  return Float64Array.from(value, (at) => time(at, name));
}

function optionalInteger(value, name, min, max, fallback) {
  return value === undefined ? fallback : integer(value, name, min, max);
}

/** A real Uint8Array (a Buffer or a subclass counts), from any realm. */
function isBytes(value) {
  return typedArrayName.call(value) === 'Uint8Array';
}

function byteCount(length, name, min, max) {
  if (length < min || length > max) {
    const bound = min === max ? `${min}` : length < min ? `at least ${min}` : `at most ${max}`;
    throw new RangeError(`"${name}" must be ${bound} bytes long, got ${length}`);
  }
}

/**
 * A copy of a Uint8Array whose length is in [min, max]. Pass the copy to wasm, never the
 * argument: the glue sizes its buffer by `length` and then copies the real bytes, so a
 * length that lies would have the core read stale heap past the end.
 */
function bytes(value, name, min, max) {
  if (!isBytes(value)) {
    throw new TypeError(`"${name}" must be a Uint8Array, got ${describe(value)}`);
  }
  // Read what the value claims first, as its getters may run code; then the real length,
  // after which nothing of the caller's runs until the copy is taken.
  const claimed = value.length;
  const claimedBytes = value.byteLength;
  const length = typedArrayByteLength.call(value);
  // Other code reading this value would see other bytes than the core: refuse it.
  if (claimed !== length || claimedBytes !== length) {
    throw new TypeError(`"${name}" must be a Uint8Array without an overridden length`);
  }
  byteCount(length, name, min, max);
  try {
    // Copies by the internal slots: no property, prototype or species of the value is read.
    return new Uint8Array(value);
  } catch {
    // Only a view whose buffer was detached, or resized to end before the view, gets here.
    // Both read as 0 bytes long: refuse them rather than take them for empty.
    throw new TypeError(`"${name}" must be a Uint8Array that is not detached or out of bounds`);
  }
}

function stringType(value, name) {
  if (typeof value !== 'string') {
    throw new TypeError(`"${name}" must be a string, got ${describe(value)}`);
  }
}

// wasm-bindgen encodes a lone surrogate as U+FFFD, so two different strings would reach
// the core as the same bytes (hashToken('\uD800') === hashToken('\uFFFD')).
function wellFormed(value, name) {
  if (!isWellFormed.call(value)) {
    throw new RangeError(`"${name}" must be well-formed UTF-16 (no lone surrogates)`);
  }
}

function string(value, name, min, max) {
  stringType(value, name);
  if (value.length < min || value.length > max) {
    throw new RangeError(`"${name}" must be ${min} to ${max} characters long, got ${value.length}`);
  }
  wellFormed(value, name);
  return value;
}

const DIGITS = /^[0-9]+$/;

/** A string of ASCII digits whose length is in [min, max]. The value is never echoed. */
function digitString(value, name, min, max) {
  stringType(value, name);
  if (value.length < min || value.length > max || !DIGITS.test(value)) {
    const length = min === max ? `${min}` : `${min} to ${max}`;
    throw new RangeError(`"${name}" must be ${length} ASCII digits`);
  }
  return value;
}

function boolean(value, name) {
  if (typeof value !== 'boolean') {
    throw new TypeError(`"${name}" must be a boolean, got ${describe(value)}`);
  }
  return value;
}

/**
 * A plain options object with only the known keys. An unknown key is refused rather
 * than ignored, so that a typo in a security option never falls back to a default.
 */
function options(value, name, known) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isBytes(value)) {
    throw new TypeError(`"${name}" must be an object, got ${describe(value)}`);
  }
  for (const key in value) {
    if (!known.includes(key)) {
      throw new TypeError(`"${name}" has an unknown option "${key.slice(0, 40)}"`);
    }
  }
  return value;
}

/**
 * A stored record (a database row): an object whose other keys are left alone, since
 * the core reads only the fields it names.
 */
function record(value, name) {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isBytes(value)) {
    throw new TypeError(`"${name}" must be an object, got ${describe(value)}`);
  }
  return value;
}

/** A number of the enumerated ids, such as 'SHA1' -> 1. */
function oneOf(value, name, choices, fallback) {
  if (value === undefined) return choices[fallback];
  if (typeof value !== 'string') {
    throw new TypeError(`"${name}" must be a string, got ${describe(value)}`);
  }
  if (!Object.hasOwn(choices, value)) {
    throw new RangeError(`"${name}" must be one of ${Object.keys(choices).join(', ')}`);
  }
  return choices[value];
}

/** Text or bytes, as bytes of our own (associated data may be given as either). */
function textOrBytes(value, name, max) {
  if (typeof value === 'string') {
    wellFormed(value, name);
    const encoded = Buffer.from(value, 'utf8');
    byteCount(encoded.length, name, 0, max);
    return encoded;
  }
  if (!isBytes(value)) {
    throw new TypeError(`"${name}" must be a string or a Uint8Array, got ${describe(value)}`);
  }
  return bytes(value, name, 0, max);
}

module.exports = {
  boolean,
  bytes,
  count,
  digitString,
  integer,
  now,
  oneOf,
  optionalInteger,
  options,
  record,
  string,
  textOrBytes,
  time,
  times,
};
