//! RFC 4226 Appendix D and RFC 6238 Appendix B, from the JSON files beside this test.
//! The same files run through the JS API in `js-wrapper/test/vectors.test.js`.

// A test file: a panic here is a failing test.
#![allow(clippy::unwrap_used, clippy::panic)]

use serde::Deserialize;
use two_factor_core::{Algorithm, OtpKey, TotpCheck, TotpParams, generate_totp, hotp, verify_totp};

#[derive(Deserialize)]
struct Hotp {
    digits: u32,
    secret_hex: String,
    vectors: Vec<HotpVector>,
}

#[derive(Deserialize)]
struct HotpVector {
    counter: u64,
    otp: String,
}

#[derive(Deserialize)]
struct Totp {
    period: u32,
    digits: u32,
    vectors: Vec<TotpVector>,
}

#[derive(Deserialize)]
struct TotpVector {
    time: u64,
    step: u64,
    algorithm: String,
    secret_hex: String,
    totp: String,
}

fn hex(text: &str) -> Vec<u8> {
    base16ct::mixed::decode_vec(text).unwrap()
}

fn algorithm(name: &str) -> Algorithm {
    match name {
        "SHA1" => Algorithm::Sha1,
        "SHA256" => Algorithm::Sha256,
        "SHA512" => Algorithm::Sha512,
        other => panic!("unknown algorithm {other}"),
    }
}

#[test]
fn rfc4226_hotp() {
    let data: Hotp = serde_json::from_str(include_str!("vectors/rfc4226-hotp.json")).unwrap();
    let key = OtpKey::new(&hex(&data.secret_hex), Algorithm::Sha1).unwrap();
    assert_eq!(data.vectors.len(), 10);
    for v in &data.vectors {
        assert_eq!(
            hotp(&key, v.counter, data.digits).unwrap(),
            v.otp,
            "counter {}",
            v.counter
        );
    }
}

#[test]
fn rfc6238_totp_generate_and_verify() {
    let data: Totp = serde_json::from_str(include_str!("vectors/rfc6238-totp.json")).unwrap();
    assert_eq!(data.vectors.len(), 18);
    for v in &data.vectors {
        let alg = algorithm(&v.algorithm);
        let secret = hex(&v.secret_hex);
        // The SHA-256 and SHA-512 vectors use 32- and 64-byte seeds, not the 20-byte one.
        let seed_len = match alg {
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        };
        assert_eq!(secret.len(), seed_len);
        let key = OtpKey::new(&secret, alg).unwrap();
        let params = TotpParams::new(alg, data.digits, data.period).unwrap();
        assert_eq!(params.step_at(v.time), v.step);
        assert_eq!(
            generate_totp(&key, v.time, &params).unwrap(),
            v.totp,
            "{} at {}",
            v.algorithm,
            v.time
        );
        let exact = TotpCheck {
            time: v.time,
            window: 0,
            after_step: None,
        };
        assert_eq!(
            verify_totp(&key, &v.totp, &params, &exact),
            Ok(Some(v.step))
        );
        let replay = TotpCheck {
            after_step: Some(v.step),
            ..exact
        };
        assert_eq!(verify_totp(&key, &v.totp, &params, &replay), Ok(None));
    }
}
