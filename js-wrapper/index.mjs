// ES module entry: the same instance as `require('two-factor-wasm')`.
import api from './index.js';

export const {
  LIMITS,
  TwoFactorError,
  generateCode,
  hashCode,
  verifyCode,
  generateSecret,
  base32Encode,
  base32Decode,
  generateTotp,
  verifyTotp,
  otpauthUri,
  generateRecoveryCodes,
  normalizeRecoveryCode,
  hashRecoveryCode,
  verifyRecoveryCode,
  sealSecret,
  openSecret,
  generateToken,
  hashToken,
  generateSalt,
  challengeVerdict,
  codeExpiresAt,
  resendVerdict,
  lockoutVerdict,
} = api;
export default api;
