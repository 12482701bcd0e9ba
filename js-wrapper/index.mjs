// ES module entry: the same instance as `require('two-factor-wasm')`. Node reads the
// CommonJS export names statically, so every named export is re-exported here.
export * from './index.js';
export { default } from './index.js';
