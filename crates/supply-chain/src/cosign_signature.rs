//! Cosign's key-based image signatures, checked as containers/image checks them: a `.sig` manifest's
//! layer holds the payload, its annotation the signature; the layer counts only when it is a
//! simple-signing payload, its signature verifies with one of the reader's keys, and the payload vouches
//! for exactly the image's digest. The image's verdict is what `data-signature` shows.

use std::collections::BTreeMap;

use strata_image::artifact::COSIGN_SIGNATURE_ANNOTATION;
use strata_image::digest::Digest;
use strata_image::manifest::{Descriptor, ImageManifest};
use strata_image::media_type::COSIGN_SIMPLE_SIGNING;

use crate::base64;
use crate::public_key::PublicKey;
use crate::simple_signing::{self, SignedClaim};

/// The layers of a `.sig` manifest that are signatures (simple-signing payloads); any other layer is an
/// attachment cosign and containers/image skip.
pub fn signature_layers(manifest: &ImageManifest) -> impl Iterator<Item = &Descriptor> {
    manifest
        .layers
        .iter()
        .filter(|layer| layer.media_type == COSIGN_SIMPLE_SIGNING)
}

/// What one layer of a signature manifest is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayerCheck {
    /// Not a simple-signing layer (another attachment): not counted, as cosign and containers/image skip it.
    NotASignature,
    /// A signature, but no key to check it with; what it claims is shown, unverified.
    Unchecked(Option<SignedClaim>),
    /// It verifies with a key and vouches for this image.
    Valid(SignedClaim),
    /// It does not: why, in words.
    Invalid(String),
}

/// An image's verdict, `data-signature`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// A signature verified with a key the reader gave and vouches for this digest.
    Valid(SignedClaim),
    /// Signatures are there, and none is valid: why (the first one's reason).
    Invalid(String),
    /// Signatures are there, and the reader gave no key.
    NoKey,
    /// No signature at all.
    Unsigned,
}

impl Verdict {
    /// The `data-signature` value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Verdict::Valid(_) => "valid",
            Verdict::Invalid(_) => "invalid",
            Verdict::NoKey => "no-key",
            Verdict::Unsigned => "unsigned",
        }
    }
}

/// Checks one layer of a signature manifest, for the image whose manifest digest is `image`.
pub fn check_layer(
    media_type: &str,
    payload: &[u8],
    annotations: &BTreeMap<String, String>,
    image: &Digest,
    keys: &[PublicKey],
) -> LayerCheck {
    if media_type != COSIGN_SIMPLE_SIGNING {
        return LayerCheck::NotASignature;
    }
    let Some(encoded) = annotations.get(COSIGN_SIGNATURE_ANNOTATION) else {
        return LayerCheck::Invalid(format!(
            "the layer has no {COSIGN_SIGNATURE_ANNOTATION} annotation"
        ));
    };
    if keys.is_empty() {
        return LayerCheck::Unchecked(simple_signing::read(payload).ok());
    }
    // Go's base64 reader skips line breaks (PKI signatures are wrapped at 76 characters).
    let unwrapped: String = encoded
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .collect();
    let Ok(signature) = base64::decode(&unwrapped) else {
        return LayerCheck::Invalid("the signature annotation is not base64".to_owned());
    };
    if !keys.iter().any(|key| key.verifies(payload, &signature)) {
        return LayerCheck::Invalid(
            "the signature does not verify with the key given: another key made it, or the payload changed"
                .to_owned(),
        );
    }
    let claim = match simple_signing::read(payload) {
        Ok(claim) => claim,
        Err(error) => return LayerCheck::Invalid(error.to_string()),
    };
    if claim.manifest_digest != image.to_string() {
        return LayerCheck::Invalid(format!(
            "the signature is genuine, but it vouches for {}, not this image ({image})",
            claim.manifest_digest
        ));
    }
    LayerCheck::Valid(claim)
}

/// The image's verdict from its signature layers' checks.
pub fn verdict(checks: &[LayerCheck]) -> Verdict {
    if let Some(LayerCheck::Valid(claim)) =
        checks.iter().find(|c| matches!(c, LayerCheck::Valid(_)))
    {
        return Verdict::Valid(claim.clone());
    }
    if let Some(LayerCheck::Invalid(reason)) =
        checks.iter().find(|c| matches!(c, LayerCheck::Invalid(_)))
    {
        return Verdict::Invalid(reason.clone());
    }
    if checks.iter().any(|c| matches!(c, LayerCheck::Unchecked(_))) {
        return Verdict::NoKey;
    }
    Verdict::Unsigned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::public_key::test_keys::{pair, sign};

    fn payload(digest: &str) -> Vec<u8> {
        format!(r#"{{"critical":{{"identity":{{"docker-reference":"reg/app"}},"image":{{"docker-manifest-digest":"{digest}"}},"type":"cosign container image signature"}},"optional":null}}"#).into_bytes()
    }

    #[test]
    fn each_layer_and_the_image_get_the_verdict_containers_image_gives() {
        let image = Digest::parse(&format!("sha256:{}", "a".repeat(64))).expect("a digest");
        let other = format!("sha256:{}", "b".repeat(64));
        let (signing, key) = pair(1);
        let (_, wrong_key) = pair(2);
        let signed = |payload: &[u8]| {
            BTreeMap::from([(
                COSIGN_SIGNATURE_ANNOTATION.to_owned(),
                base64::encode(&sign(&signing, payload), false),
            )])
        };
        let good = payload(&image.to_string());
        let for_other = payload(&other);
        let check = |media_type: &str,
                     payload: &[u8],
                     annotations: &BTreeMap<String, String>,
                     keys: &[PublicKey]| {
            check_layer(media_type, payload, annotations, &image, keys)
        };
        let valid = check(
            COSIGN_SIMPLE_SIGNING,
            &good,
            &signed(&good),
            &[wrong_key.clone(), key.clone()],
        );
        assert!(matches!(&valid, LayerCheck::Valid(claim) if claim.docker_reference == "reg/app"));
        let cases = [
            (
                check(
                    COSIGN_SIMPLE_SIGNING,
                    &good,
                    &signed(&good),
                    std::slice::from_ref(&wrong_key),
                ),
                "does not verify",
            ),
            (
                check(
                    COSIGN_SIMPLE_SIGNING,
                    &for_other,
                    &signed(&for_other),
                    std::slice::from_ref(&key),
                ),
                "vouches for sha256:bbbb",
            ),
            (
                check(
                    COSIGN_SIMPLE_SIGNING,
                    &good,
                    &signed(&for_other),
                    std::slice::from_ref(&key),
                ),
                "does not verify",
            ),
            (
                check(
                    COSIGN_SIMPLE_SIGNING,
                    &good,
                    &BTreeMap::new(),
                    std::slice::from_ref(&key),
                ),
                "has no dev.cosignproject",
            ),
        ];
        for (checked, expected) in &cases {
            assert!(
                matches!(checked, LayerCheck::Invalid(reason) if reason.contains(expected)),
                "{checked:?}"
            );
        }
        assert_eq!(
            check(
                "text/plain",
                b"note",
                &signed(b"note"),
                std::slice::from_ref(&key)
            ),
            LayerCheck::NotASignature
        );
        let unchecked = check(COSIGN_SIMPLE_SIGNING, &good, &signed(&good), &[]);
        assert!(matches!(unchecked, LayerCheck::Unchecked(Some(_))));

        assert_eq!(
            verdict(&[cases[0].0.clone(), valid.clone()]).as_str(),
            "valid",
            "one valid is enough"
        );
        assert_eq!(verdict(&[cases[1].0.clone()]).as_str(), "invalid");
        assert_eq!(verdict(&[unchecked]).as_str(), "no-key");
        assert_eq!(verdict(&[LayerCheck::NotASignature]).as_str(), "unsigned");
        assert_eq!(verdict(&[]).as_str(), "unsigned");
    }
}
