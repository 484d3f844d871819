//! X.509 certificates made in tests, DER written by hand: a P-256 CA and the leaves it issues, with the
//! extensions keyless signing reads (basic constraints, an email, Fulcio's OIDC issuer).

use p256::ecdsa::SigningKey;

use crate::public_key::PublicKey;
use crate::public_key::test_keys::sign;

/// What a made certificate says.
pub struct Made<'a> {
    /// Its subject's common name (also its issuer's, when self-signed).
    pub subject: &'a str,
    /// Its issuer's common name.
    pub issuer: &'a str,
    /// UTCTime, `YYMMDDHHMMSSZ`.
    pub not_before: &'a str,
    /// UTCTime, `YYMMDDHHMMSSZ`.
    pub not_after: &'a str,
    /// A CA (basic constraints) or a leaf (an email and an OIDC issuer).
    pub leaf_identity: Option<(&'a str, &'a str)>,
}

/// The certificate of `public`, signed by `issuer_key`.
pub fn certificate(made: &Made, public: &PublicKey, issuer_key: &SigningKey) -> Vec<u8> {
    let ecdsa_with_sha256 = tlv(
        0x30,
        &tlv(0x06, &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x02]),
    );
    let extensions = match made.leaf_identity {
        None => extension(&[0x55, 0x1D, 0x13], true, &tlv(0x30, &tlv(0x01, &[0xFF]))),
        Some((email, issuer)) => [
            extension(
                &[0x55, 0x1D, 0x11],
                false,
                &tlv(0x30, &tlv(0x81, email.as_bytes())),
            ),
            // 1.3.6.1.4.1.57264.1.8: Fulcio's OIDC issuer (v2).
            extension(
                &[0x2B, 0x06, 0x01, 0x04, 0x01, 0x83, 0xBF, 0x30, 0x01, 0x08],
                false,
                &tlv(0x0C, issuer.as_bytes()),
            ),
        ]
        .concat(),
    };
    let tbs = tlv(
        0x30,
        &[
            tlv(0xA0, &tlv(0x02, &[2])),
            tlv(0x02, &[0x01, made.subject.len() as u8]),
            ecdsa_with_sha256.clone(),
            name(made.issuer),
            tlv(
                0x30,
                &[
                    tlv(0x17, made.not_before.as_bytes()),
                    tlv(0x17, made.not_after.as_bytes()),
                ]
                .concat(),
            ),
            name(made.subject),
            public.der(),
            tlv(0xA3, &tlv(0x30, &extensions)),
        ]
        .concat(),
    );
    let signature = [&[0u8][..], &sign(issuer_key, &tbs)].concat();
    tlv(
        0x30,
        &[tbs, ecdsa_with_sha256, tlv(0x03, &signature)].concat(),
    )
}

/// PEM of a DER certificate.
pub fn pem(der: &[u8]) -> String {
    pem_rfc7468::encode_string("CERTIFICATE", pem_rfc7468::LineEnding::LF, der).expect("PEM")
}

fn name(common_name: &str) -> Vec<u8> {
    let attribute = tlv(
        0x30,
        &[
            tlv(0x06, &[0x55, 0x04, 0x03]),
            tlv(0x0C, common_name.as_bytes()),
        ]
        .concat(),
    );
    tlv(0x30, &tlv(0x31, &attribute))
}

fn extension(oid: &[u8], critical: bool, value: &[u8]) -> Vec<u8> {
    let critical = if critical {
        tlv(0x01, &[0xFF])
    } else {
        Vec::new()
    };
    tlv(0x30, &[tlv(0x06, oid), critical, tlv(0x04, value)].concat())
}

/// A DER tag, length and value.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let length = value.len();
    let mut out = vec![tag];
    match length {
        0..=127 => out.push(length as u8),
        128..=255 => out.extend([0x81, length as u8]),
        _ => out.extend([0x82, (length >> 8) as u8, length as u8]),
    }
    out.extend_from_slice(value);
    out
}
