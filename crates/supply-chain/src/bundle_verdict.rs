//! An image's signature verdict from the Sigstore bundles among its OCI 1.1 referrers: each bundle
//! checked the way its material asks (with the reader's key, or keyless against a trust root) or left
//! unchecked for want of one, then the image's verdict as for a `.sig`: valid when one bundle holds, else
//! invalid when one does not, else no key, else unsigned.

use strata_image::digest::Digest;

use crate::public_key::PublicKey;
use crate::sigstore_bundle::{Bundle, BundleCheck, CertifiedSigner};
use crate::trust_root::KeylessTrust;

/// What one bundle came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleOutcome {
    /// It was checked.
    Checked(BundleCheck),
    /// It could not be: no key for a key-signed bundle, no usable trust root for a keyless one; why.
    Unchecked(String),
}

/// The image's verdict from its bundles (`data-signature`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BundleVerdict {
    /// A bundle holds for the image: signed with the key (no signer named), or keyless (who signed).
    Valid(Option<CertifiedSigner>),
    /// None holds, and one was checked and failed: the first one's reason.
    Invalid(String),
    /// None could be checked: the first one's reason.
    NoKey(String),
    /// There was no bundle at all.
    Unsigned,
}

/// Checks `bundle` for `image`: with `keys` when it was signed with a key, against `trust` when keyless
/// (`None`: no trust root was asked for; `Some(Err)`: why there is no usable one).
pub fn outcome(
    bundle: &Bundle,
    image: &Digest,
    keys: &[PublicKey],
    trust: Option<&Result<KeylessTrust, String>>,
) -> BundleOutcome {
    if !bundle.is_keyless() {
        if keys.is_empty() {
            return BundleOutcome::Unchecked(
                "Sigstore bundles signed with a key are attached to it (OCI 1.1 referrers), but no \
                 public key was given to check them with: paste one below"
                    .to_owned(),
            );
        }
        return BundleOutcome::Checked(bundle.check_for_image(image, keys));
    }
    match trust {
        Some(Ok(trust)) => BundleOutcome::Checked(bundle.check_keyless(image, trust)),
        Some(Err(why)) => BundleOutcome::Unchecked(why.clone()),
        None => BundleOutcome::Unchecked("no trust root was asked for".to_owned()),
    }
}

/// The image's verdict from its bundles' outcomes.
pub fn verdict(outcomes: &[BundleOutcome]) -> BundleVerdict {
    let valid = outcomes.iter().find_map(|outcome| match outcome {
        BundleOutcome::Checked(BundleCheck::Valid(_)) => Some(None),
        BundleOutcome::Checked(BundleCheck::ValidKeyless(signer)) => Some(Some(signer.clone())),
        _ => None,
    });
    if let Some(signer) = valid {
        return BundleVerdict::Valid(signer);
    }
    let invalid = outcomes.iter().find_map(|outcome| match outcome {
        BundleOutcome::Checked(BundleCheck::Invalid(why)) => Some(why.clone()),
        _ => None,
    });
    if let Some(why) = invalid {
        return BundleVerdict::Invalid(why);
    }
    let unchecked = outcomes.iter().find_map(|outcome| match outcome {
        BundleOutcome::Unchecked(why) => Some(why.clone()),
        _ => None,
    });
    unchecked.map_or(BundleVerdict::Unsigned, BundleVerdict::NoKey)
}

/// Whether `outcome` settles the image's verdict as valid: no other bundle need be read.
pub fn is_valid(outcome: &BundleOutcome) -> bool {
    matches!(
        outcome,
        BundleOutcome::Checked(BundleCheck::Valid(_) | BundleCheck::ValidKeyless(_))
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use strata_image::media_type;

    use super::*;
    use crate::base64;
    use crate::public_key::test_keys::pair;
    use crate::sigstore_bundle;

    const IMAGE: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn bundle(material: serde_json::Value) -> Bundle {
        let bytes = json!({
            "mediaType": media_type::SIGSTORE_BUNDLE_V03,
            "verificationMaterial": material,
            "dsseEnvelope": { "payload": "", "payloadType": media_type::IN_TOTO, "signatures": [] },
        })
        .to_string();
        sigstore_bundle::read(bytes.as_bytes()).expect("a bundle")
    }

    #[test]
    fn each_bundle_is_checked_the_way_its_material_asks() {
        let image = Digest::parse(IMAGE).unwrap();
        let keyed = bundle(json!({ "publicKey": { "hint": "" } }));
        let keyless =
            bundle(json!({ "certificate": { "rawBytes": base64::encode(b"der", false) } }));
        let (_, key) = pair(1);
        let no_root = Err("this proxy has no Sigstore trust root".to_owned());
        let empty_root = Ok(KeylessTrust {
            authorities: Vec::new(),
            logs: Vec::new(),
        });
        // (case, the outcome, words of why it was left unchecked; `None`: it was checked, and failed)
        let cases: [(&str, BundleOutcome, Option<&str>); 5] = [
            (
                "signed with a key, none given",
                outcome(&keyed, &image, &[], None),
                Some("no public key"),
            ),
            (
                "signed with a key, one given",
                outcome(&keyed, &image, std::slice::from_ref(&key), None),
                None,
            ),
            (
                "keyless, no trust root asked for",
                outcome(&keyless, &image, &[], None),
                Some("no trust root"),
            ),
            (
                "keyless, no usable trust root",
                outcome(&keyless, &image, &[], Some(&no_root)),
                Some("no Sigstore trust root"),
            ),
            (
                "keyless, a trust root",
                outcome(&keyless, &image, &[], Some(&empty_root)),
                None,
            ),
        ];
        for (case, got, unchecked) in cases {
            let holds = match (&got, unchecked) {
                (BundleOutcome::Unchecked(why), Some(words)) => why.contains(words),
                (BundleOutcome::Checked(BundleCheck::Invalid(_)), None) => true,
                _ => false,
            };
            assert!(holds, "{case}: {got:?}");
        }
    }

    #[test]
    fn the_verdict_prefers_valid_then_invalid_then_no_key() {
        let signer = CertifiedSigner {
            identities: vec!["builder@example.test".to_owned()],
            issuer: None,
            logged_at: 0,
            predicate_type: String::new(),
        };
        let valid = BundleOutcome::Checked(BundleCheck::Valid(String::new()));
        let keyless = BundleOutcome::Checked(BundleCheck::ValidKeyless(signer.clone()));
        let invalid = |why: &str| BundleOutcome::Checked(BundleCheck::Invalid(why.to_owned()));
        let unchecked = |why: &str| BundleOutcome::Unchecked(why.to_owned());
        let cases: [(&str, Vec<BundleOutcome>, BundleVerdict); 6] = [
            ("nothing", vec![], BundleVerdict::Unsigned),
            (
                "a valid one after an invalid one",
                vec![invalid("a"), unchecked("b"), valid.clone()],
                BundleVerdict::Valid(None),
            ),
            (
                "a keyless valid one",
                vec![unchecked("b"), keyless],
                BundleVerdict::Valid(Some(signer)),
            ),
            (
                "invalid ones and an unchecked one",
                vec![unchecked("b"), invalid("first"), invalid("second")],
                BundleVerdict::Invalid("first".to_owned()),
            ),
            (
                "unchecked ones",
                vec![unchecked("first"), unchecked("second")],
                BundleVerdict::NoKey("first".to_owned()),
            ),
            (
                "a keyless bundle asked of a key",
                vec![BundleOutcome::Checked(BundleCheck::Keyless)],
                BundleVerdict::Unsigned,
            ),
        ];
        for (case, outcomes, expected) in cases {
            assert_eq!(verdict(&outcomes), expected, "{case}");
        }
        assert!(is_valid(&valid) && !is_valid(&unchecked("b")));
    }
}
