'use strict';

// Argument checks run before anything crosses into wasm. wasm-bindgen would silently
// turn NaN into 0 and wrap out-of-range numbers, so every number, string and byte array
// is checked here, and the error names the argument. Wrong type: TypeError. Right type,
// wrong value (NaN, fractions, lengths, ranges): RangeError.

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
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

function optionalInteger(value, name, min, max, fallback) {
  return value === undefined ? fallback : integer(value, name, min, max);
}

function isBytes(value) {
  // `instanceof` fails for arrays from another realm (vm, worker); the constructor name
  // check accepts those and still refuses other typed arrays and look-alike objects.
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor.name === 'Uint8Array')
  );
}

function bytes(value, name, min, max) {
  if (!isBytes(value)) {
    throw new TypeError(`"${name}" must be a Uint8Array, got ${describe(value)}`);
  }
  if (value.length < min || value.length > max) {
    const bound = min === max ? `${min}` : value.length < min ? `at least ${min}` : `at most ${max}`;
    throw new RangeError(`"${name}" must be ${bound} bytes long, got ${value.length}`);
  }
  return value;
}

function string(value, name, min, max) {
  if (typeof value !== 'string') {
    throw new TypeError(`"${name}" must be a string, got ${describe(value)}`);
  }
  if (value.length < min || value.length > max) {
    throw new RangeError(`"${name}" must be ${min} to ${max} characters long, got ${value.length}`);
  }
  return value;
}

const DIGITS = /^[0-9]+$/;

/** A string of ASCII digits whose length is in [min, max]. The value is never echoed. */
function digitString(value, name, min, max) {
  string(value, name, 0, Infinity);
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

/** Text or bytes, as bytes (associated data may be given as either). */
function textOrBytes(value, name, max) {
  if (typeof value === 'string') {
    return bytes(Buffer.from(value, 'utf8'), name, 0, max);
  }
  if (!isBytes(value)) {
    throw new TypeError(`"${name}" must be a string or a Uint8Array, got ${describe(value)}`);
  }
  return bytes(value, name, 0, max);
}

module.exports = {
  boolean,
  bytes,
  digitString,
  integer,
  oneOf,
  optionalInteger,
  options,
  string,
  textOrBytes,
};
