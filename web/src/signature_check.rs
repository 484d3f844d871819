//! Whether the inspected image is signed with cosign, and by whom: the `sha256-<hex>.sig` tag the tree
//! probes, each signature layer's payload fetched and hashed against its digest, and (in the module with
//! every page, where the crypto lives) each signature checked: with the key the address carries
//! (`key=`), or, for a keyless one, against the proxy's Sigstore trust root. There too: without a `.sig`,
//! the Sigstore bundles among the image's OCI 1.1 referrers (cosign v3), and the shown platform's own
//! signature, which cosign makes when it signs an index recursively (`cosign sign --recursive`).

use strata_image::artifact::{self, CosignSuffix};
use strata_image::digest::Digest;
#[cfg(feature = "all-pages")]
use strata_image::manifest;
use strata_image::manifest::{Descriptor, Document};
#[cfg(feature = "all-pages")]
use strata_image::verification::Verification;
use strata_supply_chain::cosign_signature;
use strata_supply_chain::referrer_source::ReferrerKind;
use yew::prelude::*;

use crate::inspect_state::{Content, InspectState, NodeKey, NodeState};
use crate::registry_api::Repository;

/// The address parameter carrying the reader's public key (base64url of its DER SubjectPublicKeyInfo).
pub const KEY_PARAM: &str = "key";

/// What the page says of the image's signature: `data-signature`, `data-signed-digest`, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct SignatureResult {
    /// `valid`, `invalid`, `no-key` or `unsigned`.
    pub verdict: &'static str,
    /// The digest the signature vouches for (its payload's), else the image's.
    pub signed_digest: String,
    /// The reference the signer signed, when a payload was read.
    pub signed_reference: Option<String>,
    /// Why, in words, for anything but valid.
    pub reason: Option<String>,
    /// For a valid signature made with a certificate: who signed.
    pub signer: Option<Signer>,
}

/// Who made a valid signature with a certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Signer {
    /// The certificate's identities, and the OIDC issuer that vouched for them (keyless).
    pub who: String,
    /// When a transparency log recorded the signature (keyless, Unix seconds), the time its certificate
    /// was checked at; none for a certificate of one's own PKI, checked as of now.
    pub logged_at: Option<i64>,
}

/// A signature layer: the descriptor its manifest gives, and its payload once fetched and hashed.
#[cfg(feature = "all-pages")]
#[derive(Debug, Clone, PartialEq)]
struct SignatureLayer {
    descriptor: Descriptor,
    payload: Result<Vec<u8>, String>,
}

/// The image's signature, once the tree's root and its `.sig` probe are in (`None` until then). Without a
/// key it takes only the probe (no payload is fetched); with one, in the module with every page, each
/// signature is checked.
#[hook]
pub fn use_signature_check(
    state: &InspectState,
    repository: &Repository,
    key: Option<String>,
) -> Option<SignatureResult> {
    let root = state.root_digest();
    let probe = root.as_ref().map(|root| {
        let tag = artifact::cosign_tag_for(root, CosignSuffix::Signature);
        state.node(&NodeKey::CosignTag(tag)).cloned()
    });
    let layers = signature_layers(probe.as_ref().and_then(Option::as_ref));
    let keyed = key.is_some();
    // The bundles among the referrers the page listed for the root (`None` until listed).
    let listed_bundles = root
        .as_ref()
        .and_then(|root| state.referrers.get(&root.to_string()))
        .map(|listed| {
            listed
                .iter()
                .flatten()
                .filter(|referrer| ReferrerKind::of(referrer).is_some_and(ReferrerKind::may_sign))
                .cloned()
                .collect::<Vec<_>>()
        });
    let bundles = use_bundle_check(repository, root.as_ref(), listed_bundles, key.clone());
    let checked = use_checked(repository, root.as_ref(), layers.clone(), key);
    let root = root?;
    match probe? {
        None | Some(NodeState::Pending) => None,
        // Without a `.sig` tag, cosign v3 keeps its signatures as Sigstore bundles, OCI 1.1 referrers,
        // which the module with every page checks (the first-load module hands it the page).
        Some(NodeState::Absent) => match bundles? {
            Some(verdict) => Some(verdict),
            None => match state.referrers.get(&root.to_string())? {
                Ok(_) if state.referred(&root.to_string(), ReferrerKind::may_sign) => None,
                Ok(_) => Some(unsigned(&root, None)),
                Err(message) => Some(unsigned(
                    &root,
                    Some(format!(
                        "its OCI 1.1 referrers could not be listed: {message}"
                    )),
                )),
            },
        },
        Some(NodeState::Failed(message)) => Some(unsigned(
            &root,
            Some(format!("its signature tag could not be read: {message}")),
        )),
        Some(NodeState::Loaded(loaded)) if !loaded.verification.is_trusted() => {
            Some(SignatureResult {
                verdict: "invalid",
                signed_digest: root.to_string(),
                signed_reference: None,
                reason: Some(format!(
                    "its signature manifest is not what the registry named: {}",
                    loaded.verification.explain()
                )),
                signer: None,
            })
        }
        Some(NodeState::Loaded(_)) => match layers {
            // With a key, or signed keyless (a trust root checks it), the verdict waits for the check.
            Some(layers) if !layers.is_empty() && (keyed || keyless(&layers)) => checked,
            Some(layers) if !layers.is_empty() => Some(unkeyed(&root)),
            _ => Some(unsigned(&root, None)),
        },
    }
}

/// Whether the image's signature needs the module with every page even without a key: its `.sig`
/// carries keyless signatures (a certificate instead of a key), or, without a `.sig`, Sigstore bundles
/// are among its referrers (a keyless one is checked against the proxy's Sigstore trust root, and only
/// reading one tells). The first-load module hands that module the page.
#[cfg(not(feature = "all-pages"))]
pub fn checked_by_all_pages(state: &InspectState) -> bool {
    let Some(root) = state.root_digest() else {
        return false;
    };
    let probe = state
        .node(&NodeKey::CosignTag(artifact::cosign_tag_for(
            &root,
            CosignSuffix::Signature,
        )))
        .cloned();
    match probe {
        Some(NodeState::Absent) => state.referred(&root.to_string(), ReferrerKind::may_sign),
        probe => signature_layers(probe.as_ref()).is_some_and(|layers| keyless(&layers)),
    }
}

fn keyless(layers: &[Descriptor]) -> bool {
    layers.iter().any(|layer| {
        layer
            .annotations
            .contains_key(strata_supply_chain::keyless_signature::CERTIFICATE_ANNOTATION)
    })
}

/// The simple-signing layers of a verified `.sig` manifest (`None` before it is in).
fn signature_layers(probe: Option<&NodeState>) -> Option<Vec<Descriptor>> {
    let NodeState::Loaded(loaded) = probe? else {
        return None;
    };
    if !loaded.verification.is_trusted() {
        return None;
    }
    let Content::Document(read) = &loaded.content else {
        return Some(Vec::new());
    };
    let Document::Manifest(manifest) = &read.document else {
        return Some(Vec::new());
    };
    Some(
        cosign_signature::signature_layers(manifest)
            .cloned()
            .collect(),
    )
}

/// Signed, and not checked: no key was given.
fn unkeyed(root: &Digest) -> SignatureResult {
    SignatureResult {
        verdict: "no-key",
        signed_digest: root.to_string(),
        signed_reference: None,
        reason: Some(
            "signed, but no public key was given to check the signature with: paste one below"
                .to_owned(),
        ),
        signer: None,
    }
}

/// The first-load module checks nothing: a key hands the page to the module with every page.
#[cfg(not(feature = "all-pages"))]
#[hook]
fn use_checked(
    _repository: &Repository,
    _root: Option<&Digest>,
    _layers: Option<Vec<Descriptor>>,
    _key: Option<String>,
) -> Option<SignatureResult> {
    None
}

/// The first-load module reads no bundle: it hands the page to the module with every page. (`Some(None)`:
/// no bundle known.)
#[cfg(not(feature = "all-pages"))]
#[hook]
fn use_bundle_check(
    _repository: &Repository,
    _root: Option<&Digest>,
    _bundles: Option<Vec<Descriptor>>,
    _key: Option<String>,
) -> Option<Option<SignatureResult>> {
    Some(None)
}

/// The Sigstore bundles among the image's OCI 1.1 referrers (`bundles`, as the page listed them), each
/// referrer manifest and bundle fetched by digest and hashed, each bundle checked: with the key, or,
/// keyless, against the proxy's Sigstore trust root (`None` while listing or checking, `Some(None)` when
/// there is none).
#[cfg(feature = "all-pages")]
#[hook]
fn use_bundle_check(
    repository: &Repository,
    root: Option<&Digest>,
    bundles: Option<Vec<Descriptor>>,
    key: Option<String>,
) -> Option<Option<SignatureResult>> {
    let checked = use_state(|| None::<Option<SignatureResult>>);
    {
        let checked = checked.clone();
        let repository = repository.clone();
        use_effect_with(
            (root.cloned(), bundles, key),
            move |(root, bundles, key)| {
                checked.set(None);
                match (root.clone(), bundles.clone(), key.clone()) {
                    (Some(_), None, _) => {}
                    (Some(root), Some(bundles), key) if !bundles.is_empty() => {
                        yew::platform::spawn_local(async move {
                            checked.set(Some(
                                bundle_verdict(&repository, &root, bundles, key.as_deref()).await,
                            ));
                        })
                    }
                    _ => checked.set(Some(None)),
                }
            },
        );
    }
    (*checked).clone()
}

/// The image's verdict from its bundles, if it has any (core's `bundle_verdict`): each referrer manifest
/// and bundle fetched by digest and hashed, read until one holds; the trust root asked for only when a
/// bundle is keyless.
#[cfg(feature = "all-pages")]
async fn bundle_verdict(
    repository: &Repository,
    root: &Digest,
    referrers: Vec<Descriptor>,
    key: Option<&str>,
) -> Option<SignatureResult> {
    use strata_supply_chain::bundle_verdict::{self, BundleOutcome, BundleVerdict};
    use strata_supply_chain::public_key::PublicKey;
    use strata_supply_chain::sigstore_bundle::{self, BundleCheck};

    if referrers.is_empty() {
        return None;
    }
    let keys = match key.map(PublicKey::from_address_value) {
        Some(Ok(key)) => vec![key],
        Some(Err(error)) => return Some(unusable_key(root, &error.to_string())),
        None => Vec::new(),
    };
    let mut trust = None;
    let mut outcomes = Vec::new();
    'referrers: for referrer in referrers {
        let layers = match manifest_by_digest(repository, &referrer).await {
            Ok(manifest) => manifest.layers,
            Err(why) => {
                outcomes.push(BundleOutcome::Checked(BundleCheck::Invalid(why)));
                continue;
            }
        };
        let bundles = layers
            .iter()
            .filter(|layer| sigstore_bundle::is_bundle_media_type(&layer.media_type));
        for layer in bundles {
            let bundle = match payload(repository, layer).await {
                Ok(bytes) => sigstore_bundle::read(&bytes).map_err(|error| error.to_string()),
                Err(why) => Err(format!("its bundle could not be read: {why}")),
            };
            let outcome = match bundle {
                Err(why) => BundleOutcome::Checked(BundleCheck::Invalid(why)),
                Ok(bundle) => {
                    if bundle.is_keyless() && trust.is_none() {
                        trust = Some(keyless_trust(Some(
                            crate::registry_api::sigstore_trust_root().await,
                        )));
                    }
                    bundle_verdict::outcome(&bundle, root, &keys, trust.as_ref())
                }
            };
            let settled = bundle_verdict::is_valid(&outcome);
            outcomes.push(outcome);
            if settled {
                break 'referrers;
            }
        }
    }
    Some(match bundle_verdict::verdict(&outcomes) {
        BundleVerdict::Valid(None) => valid(root, None),
        BundleVerdict::Valid(Some(signer)) => valid(
            root,
            Some(Signer {
                who: signer_words(&signer.identities, signer.issuer.as_deref()),
                logged_at: Some(signer.logged_at),
            }),
        ),
        BundleVerdict::Invalid(why) => {
            let what = if keys.is_empty() {
                "its Sigstore bundle does not hold for this image"
            } else {
                "its Sigstore bundle is not signed by this key for this image"
            };
            SignatureResult {
                verdict: "invalid",
                signed_digest: root.to_string(),
                signed_reference: None,
                reason: Some(format!("{what}: {why}")),
                signer: None,
            }
        }
        BundleVerdict::NoKey(why) => SignatureResult {
            reason: Some(why),
            ..unkeyed(root)
        },
        BundleVerdict::Unsigned => unsigned(
            root,
            Some("its referrers said to hold Sigstore bundles hold none".to_owned()),
        ),
    })
}

#[cfg(feature = "all-pages")]
fn valid(root: &Digest, signer: Option<Signer>) -> SignatureResult {
    SignatureResult {
        verdict: "valid",
        signed_digest: root.to_string(),
        signed_reference: None,
        reason: None,
        signer,
    }
}

/// Who signed with a certificate, in words: its identities, and the OIDC issuer that vouched for them.
#[cfg(feature = "all-pages")]
fn signer_words(identities: &[String], issuer: Option<&str>) -> String {
    let issuer = issuer
        .map(|issuer| format!(", vouched for by {issuer}"))
        .unwrap_or_default();
    format!("{}{issuer}", identities.join(", "))
}

/// The key in the address cannot check anything.
#[cfg(feature = "all-pages")]
fn unusable_key(root: &Digest, error: &str) -> SignatureResult {
    SignatureResult {
        reason: Some(format!("the key in the address is unusable: {error}")),
        ..unkeyed(root)
    }
}

/// The proxy's Sigstore trust root, read (`None`: not asked for), or why keyless signatures cannot be
/// checked.
#[cfg(feature = "all-pages")]
fn keyless_trust(
    fetched: Option<Result<Option<Vec<u8>>, String>>,
) -> Result<strata_supply_chain::trust_root::KeylessTrust, String> {
    use strata_supply_chain::trust_root::KeylessTrust;
    match fetched {
        None => Err("no trust root was asked for".to_owned()),
        Some(Ok(Some(bytes))) => KeylessTrust::from_trusted_root(&bytes)
            .map_err(|error| format!("the proxy's Sigstore trust root is unusable: {error}")),
        Some(Ok(None)) => Err(
            "signed keyless, with a certificate, and this proxy has no Sigstore trust root to check \
             it against (its operator gives one with --sigstore-trust-root)"
                .to_owned(),
        ),
        Some(Err(why)) => Err(format!("the proxy's Sigstore trust root could not be read: {why}")),
    }
}

/// A referrer's manifest, fetched by its descriptor's digest and hashed.
#[cfg(feature = "all-pages")]
async fn manifest_by_digest(
    repository: &Repository,
    descriptor: &Descriptor,
) -> Result<strata_image::manifest::ImageManifest, String> {
    let digest = descriptor
        .parsed_digest()
        .map_err(|error| error.to_string())?;
    match repository
        .manifest_by_digest(&digest, Some(descriptor.size))
        .await?
        .document
    {
        Document::Manifest(manifest) => Ok(*manifest),
        _ => Err(format!("the referrer {digest} is not a manifest")),
    }
}

/// The first-load module checks no platform signature: a key hands the page to the module with every page.
#[cfg(not(feature = "all-pages"))]
#[hook]
pub fn use_platform_signature(
    _state: &InspectState,
    _repository: &Repository,
    _key: Option<String>,
) -> Option<(String, SignatureResult)> {
    None
}

/// With a key: the shown platform's manifest's own signature (`sha256-<its hex>.sig`), fetched, its
/// payloads hashed, and checked with the key; with the platform, `os/arch[/variant]`.
#[cfg(feature = "all-pages")]
#[hook]
pub fn use_platform_signature(
    state: &InspectState,
    repository: &Repository,
    key: Option<String>,
) -> Option<(String, SignatureResult)> {
    let shown = state.shown_platform();
    let checked = use_state(|| None::<(String, SignatureResult)>);
    {
        let checked = checked.clone();
        let repository = repository.clone();
        use_effect_with((shown, key), move |(shown, key)| {
            checked.set(None);
            if let (Some((digest, platform)), Some(key)) = (shown.clone(), key.clone()) {
                yew::platform::spawn_local(async move {
                    let result = platform_verdict(&repository, &digest, &key).await;
                    checked.set(Some((platform, result)));
                });
            }
        });
    }
    (*checked).clone()
}

/// A platform manifest's own signature, checked with the key.
#[cfg(feature = "all-pages")]
async fn platform_verdict(repository: &Repository, digest: &str, key: &str) -> SignatureResult {
    let digest = match Digest::parse(digest) {
        Ok(digest) => digest,
        Err(error) => return unsigned_with(digest, error.to_string()),
    };
    let tag = artifact::cosign_tag_for(&digest, CosignSuffix::Signature);
    let fetched = match repository.manifest(&tag).await {
        Ok(fetched) => fetched,
        Err(error) if error.not_found => {
            return unsigned(
                &digest,
                Some(
                    "no signature of its own: cosign signs each platform's manifest only when it signs \
                     the index with --recursive"
                        .to_owned(),
                ),
            );
        }
        Err(error) => {
            return unsigned(
                &digest,
                Some(format!(
                    "its signature tag could not be read: {}",
                    error.message
                )),
            );
        }
    };
    let named = fetched.registry_digest.as_deref().map(Digest::parse);
    let manifest = match (
        named,
        manifest::read_document(&fetched.bytes, fetched.content_type.as_deref()),
    ) {
        (Some(Ok(named)), Ok(read))
            if matches!(
                fetched.checked_against(&named, None),
                Verification::Verified { .. }
            ) =>
        {
            read.document
        }
        _ => {
            return SignatureResult {
                verdict: "invalid",
                signed_digest: digest.to_string(),
                signed_reference: None,
                reason: Some(
                    "its signature manifest is not what the registry named, or not a manifest"
                        .to_owned(),
                ),
                signer: None,
            };
        }
    };
    let Document::Manifest(manifest) = manifest else {
        return unsigned(&digest, None);
    };
    let layers: Vec<Descriptor> = cosign_signature::signature_layers(&manifest)
        .cloned()
        .collect();
    let read = payloads(repository, layers).await;
    if read.is_empty() {
        return unsigned(&digest, None);
    }
    judge(&digest, &read, Some(key), None)
}

#[cfg(feature = "all-pages")]
fn unsigned_with(digest: &str, reason: String) -> SignatureResult {
    SignatureResult {
        verdict: "unsigned",
        signed_digest: digest.to_owned(),
        signed_reference: None,
        reason: Some(reason),
        signer: None,
    }
}

/// With a key: each signature layer's payload fetched, hashed, and checked with the key.
#[cfg(feature = "all-pages")]
#[hook]
fn use_checked(
    repository: &Repository,
    root: Option<&Digest>,
    layers: Option<Vec<Descriptor>>,
    key: Option<String>,
) -> Option<SignatureResult> {
    let checked = use_state(|| None::<SignatureResult>);
    {
        let checked = checked.clone();
        let repository = repository.clone();
        let root = root.cloned();
        use_effect_with((layers, key, root), move |(layers, key, root)| {
            checked.set(None);
            if let (Some(layers), Some(root)) = (layers.clone(), root.clone())
                && !layers.is_empty()
                && (key.is_some() || keyless(&layers))
            {
                let key = key.clone();
                yew::platform::spawn_local(async move {
                    let trust = if keyless(&layers) {
                        Some(crate::registry_api::sigstore_trust_root().await)
                    } else {
                        None
                    };
                    let read = payloads(&repository, layers).await;
                    checked.set(Some(judge(&root, &read, key.as_deref(), trust)));
                });
            }
        });
    }
    (*checked).clone()
}

fn unsigned(root: &Digest, reason: Option<String>) -> SignatureResult {
    SignatureResult {
        verdict: "unsigned",
        signed_digest: root.to_string(),
        signed_reference: None,
        reason: Some(reason.unwrap_or_else(|| {
            "no cosign signature: the registry has no sha256-<digest>.sig tag for it".to_owned()
        })),
        signer: None,
    }
}

/// Every signature layer's payload, asked for at once (the browser queues what its connections cannot
/// carry), each hashed against its descriptor.
#[cfg(feature = "all-pages")]
async fn payloads(repository: &Repository, layers: Vec<Descriptor>) -> Vec<SignatureLayer> {
    let fetched = futures::future::join_all(
        layers
            .iter()
            .map(|descriptor| payload(repository, descriptor)),
    )
    .await;
    layers
        .into_iter()
        .zip(fetched)
        .map(|(descriptor, payload)| SignatureLayer {
            descriptor,
            payload,
        })
        .collect()
}

/// A layer's payload, hashed against its descriptor.
#[cfg(feature = "all-pages")]
async fn payload(repository: &Repository, descriptor: &Descriptor) -> Result<Vec<u8>, String> {
    let digest = descriptor
        .parsed_digest()
        .map_err(|error| error.to_string())?;
    let fetched = repository
        .blob(&digest.to_string())
        .await
        .map_err(|error| error.message)?;
    match fetched.checked_against(&digest, Some(descriptor.size)) {
        Verification::Verified { .. } => Ok(fetched.bytes),
        other => Err(other.explain()),
    }
}

/// With the reader's key: each signature checked, the image's verdict as containers/image gives it.
#[cfg(feature = "all-pages")]
fn judge(
    root: &Digest,
    layers: &[SignatureLayer],
    key: Option<&str>,
    trust: Option<Result<Option<Vec<u8>>, String>>,
) -> SignatureResult {
    use strata_supply_chain::cosign_signature::{LayerCheck, Verdict};
    use strata_supply_chain::keyless_signature::{self, CERTIFICATE_ANNOTATION, KeylessCheck};
    use strata_supply_chain::public_key::PublicKey;
    use strata_supply_chain::rekor_set::BUNDLE_ANNOTATION;
    use strata_supply_chain::simple_signing;

    let claim_of = |layer: &SignatureLayer| simple_signing::read(layer.payload.as_ref().ok()?).ok();
    let keys = match key.map(PublicKey::from_address_value) {
        Some(Ok(key)) => vec![key],
        Some(Err(error)) => return unusable_key(root, &error.to_string()),
        None => Vec::new(),
    };
    // What keyless signatures are checked against, or why they cannot be.
    let trust = keyless_trust(trust);
    let mut signer = None;
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let checks: Vec<LayerCheck> = layers
        .iter()
        .map(|layer| {
            let payload = match &layer.payload {
                Ok(payload) => payload,
                Err(why) => {
                    return LayerCheck::Invalid(format!("its payload could not be read: {why}"));
                }
            };
            let descriptor = &layer.descriptor;
            if !descriptor.annotations.contains_key(CERTIFICATE_ANNOTATION) {
                return cosign_signature::check_layer(
                    &descriptor.media_type,
                    payload,
                    &descriptor.annotations,
                    root,
                    &keys,
                );
            }
            let Ok(trust) = &trust else {
                return LayerCheck::Unchecked(simple_signing::read(payload).ok());
            };
            // Without a Rekor entry, a certificate of one's own PKI (BYO-PKI): checked against the
            // trust root's CAs as of now, since no log recorded when it signed.
            let logged = descriptor.annotations.contains_key(BUNDLE_ANNOTATION);
            let checked = if logged {
                keyless_signature::check_layer(
                    &descriptor.media_type,
                    payload,
                    &descriptor.annotations,
                    root,
                    trust,
                )
            } else {
                keyless_signature::check_layer_with_ca(
                    &descriptor.media_type,
                    payload,
                    &descriptor.annotations,
                    root,
                    &trust.roots_at(now),
                    &[],
                    now,
                )
            };
            match checked {
                KeylessCheck::Valid(keyless) => {
                    signer.get_or_insert_with(|| Signer {
                        who: signer_words(&keyless.identities, keyless.issuer.as_deref()),
                        logged_at: logged.then_some(keyless.logged_at),
                    });
                    LayerCheck::Valid(keyless.claim)
                }
                KeylessCheck::Invalid(why) => LayerCheck::Invalid(why),
                KeylessCheck::NotASignature | KeylessCheck::NotKeyless => LayerCheck::NotASignature,
            }
        })
        .collect();
    let verdict = cosign_signature::verdict(&checks);
    let (claim, reason) = match &verdict {
        Verdict::Valid(claim) => (Some(claim.clone()), None),
        Verdict::Invalid(reason) => (layers.iter().find_map(claim_of), Some(reason.clone())),
        Verdict::NoKey => (None, trust.err()),
        Verdict::Unsigned => (None, None),
    };
    SignatureResult {
        verdict: verdict.as_str(),
        signed_digest: claim
            .as_ref()
            .map_or_else(|| root.to_string(), |claim| claim.manifest_digest.clone()),
        signed_reference: claim.map(|claim| claim.docker_reference),
        reason,
        signer: if verdict.as_str() == "valid" {
            signer
        } else {
            None
        },
    }
}
