//! Keyless signing made in a test, as Fulcio and Rekor would do it: openssl's certificate authority
//! issues a short-lived leaf certificate (an email, Fulcio's OIDC issuer extension) for a key the test
//! holds; a transparency log of the test's own signs each entry (a signed entry timestamp) and a
//! checkpoint over a small Merkle tree holding it; a Sigstore trust root names the CA and the log.
//! Bundles signed this way are what cosign v3 attaches as OCI 1.1 referrers.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::Signer as _;
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use strata_image::media_type;
use strata_registry_api::sigstore_trust_root::TRUST_ROOT_MEDIA_TYPE;
use strata_supply_chain::base64::encode as base64;
use strata_supply_chain::dsse;
use strata_supply_chain::merkle_proof::{leaf_hash, node_hash};
use strata_supply_chain::rekor_set::canonical_json;

/// A CA with one leaf certificate, and a transparency log.
pub struct KeylessPki {
    dir: PathBuf,
    ca_der: Vec<u8>,
    leaf_der: Vec<u8>,
    leaf_pem: String,
    leaf_key: SigningKey,
    /// The log's key.
    pub log_key: SigningKey,
}

impl KeylessPki {
    /// A fresh CA (P-256, valid two days from now) whose leaf names `email`, vouched for by `issuer`.
    pub fn new(email: &str, issuer: &str) -> KeylessPki {
        let openssl = crate::required_program("/usr/bin/openssl");
        let dir = std::env::temp_dir().join(format!(
            "strata-keyless-pki-{}-{}",
            std::process::id(),
            crate::processes::free_port()
        ));
        std::fs::create_dir_all(&dir).expect("a temp dir");
        let leaf_key = SigningKey::from_slice(&[13; 32]).expect("a key");
        let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("a file");
        write(
            "leaf.key",
            &leaf_key.to_pkcs8_pem(LineEnding::LF).expect("PEM"),
        );
        write(
            "ca.cnf",
            "[req]\ndistinguished_name = dn\nprompt = no\nx509_extensions = ca\n\
             [dn]\nCN = strata-test-ca\n\
             [ca]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign\n",
        );
        write(
            "leaf.ext",
            &format!(
                "subjectAltName = email:{email}\nextendedKeyUsage = codeSigning\n\
                 1.3.6.1.4.1.57264.1.8 = ASN1:UTF8String:{issuer}\n"
            ),
        );
        let run = |args: &[&str]| {
            let status = Command::new(&openssl)
                .args(args)
                .current_dir(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("openssl runs");
            assert!(status.success(), "openssl {args:?} failed");
        };
        run(&[
            "req",
            "-x509",
            "-config",
            "ca.cnf",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ]);
        run(&[
            "req",
            "-new",
            "-key",
            "leaf.key",
            "-subj",
            "/CN=strata-test-leaf",
            "-out",
            "leaf.csr",
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "2",
            "-days",
            "1",
            "-extfile",
            "leaf.ext",
            "-out",
            "leaf.pem",
        ]);
        let der_of = |pem: &str| {
            let text = std::fs::read_to_string(dir.join(pem)).expect("a certificate");
            let (_, der) = pem_rfc7468::decode_vec(text.as_bytes()).expect("PEM");
            (text, der)
        };
        let (_, ca_der) = der_of("ca.pem");
        let (leaf_pem, leaf_der) = der_of("leaf.pem");
        KeylessPki {
            dir,
            ca_der,
            leaf_der,
            leaf_pem,
            leaf_key,
            log_key: SigningKey::from_slice(&[14; 32]).expect("a key"),
        }
    }

    /// A trust root (`trusted_root.json`) naming the CA and the log, written to a file for the proxy's
    /// `--sigstore-trust-root`.
    pub fn trust_root_file(&self) -> PathBuf {
        let trust_root = json!({
            "mediaType": TRUST_ROOT_MEDIA_TYPE,
            "tlogs": [{
                "baseUrl": "https://log.test", "hashAlgorithm": "SHA2_256",
                "publicKey": { "rawBytes": base64(&public_der(&self.log_key), false),
                               "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                               "validFor": { "start": "2020-01-01T00:00:00Z" } },
                "logId": { "keyId": base64(&Sha256::digest(public_der(&self.log_key)), false) },
            }],
            "certificateAuthorities": [{
                "subject": { "commonName": "strata-test-ca" }, "uri": "https://ca.test",
                "certChain": { "certificates": [{ "rawBytes": base64(&self.ca_der, false) }] },
                "validFor": { "start": "2020-01-01T00:00:00Z" },
            }],
        });
        let path = self.dir.join("trusted_root.json");
        std::fs::write(&path, trust_root.to_string()).expect("a trust root");
        path
    }

    /// A Sigstore bundle v0.3 as cosign v3 signs an image: a DSSE envelope of an in-toto statement about
    /// `digest`, signed by the leaf's key, logged now by `log` as the last of three entries.
    pub fn bundle(&self, repository: &str, digest: &str, log: &SigningKey) -> Vec<u8> {
        let statement = crate::referrers::cosign_signing_statement(repository, digest);
        let signature: p256::ecdsa::Signature = self
            .leaf_key
            .sign(&dsse::pae(media_type::IN_TOTO, &statement));
        let signature = signature.to_der().as_bytes().to_vec();
        let body = json!({
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {
                "envelopeHash": { "algorithm": "sha256", "value": hex(&Sha256::digest(b"envelope")) },
                "payloadHash": { "algorithm": "sha256", "value": hex(&Sha256::digest(&statement)) },
                "signatures": [{ "signature": base64(&signature, false),
                                 "verifier": base64(self.leaf_pem.as_bytes(), false) }],
            },
        });
        let body = base64(body.to_string().as_bytes(), false);
        json!({
            "mediaType": media_type::SIGSTORE_BUNDLE_V03,
            "verificationMaterial": {
                "certificate": { "rawBytes": base64(&self.leaf_der, false) },
                "tlogEntries": [log_entry(&body, log)],
            },
            "dsseEnvelope": {
                "payload": base64(&statement, false),
                "payloadType": media_type::IN_TOTO,
                "signatures": [{ "sig": base64(&signature, false), "keyid": "" }],
            },
        })
        .to_string()
        .into_bytes()
    }
}

impl Drop for KeylessPki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The entry of `body` (base64) as the log `log` returns it now: index 2 of a tree of 3, with its signed
/// entry timestamp and its inclusion proof up to a checkpoint the log signed.
fn log_entry(body: &str, log: &SigningKey) -> Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let log_id = Sha256::digest(public_der(log)).to_vec();
    let promised =
        json!({ "body": body, "integratedTime": now, "logID": hex(&log_id), "logIndex": 2 });
    let promise: p256::ecdsa::Signature = log.sign(canonical_json(&promised).as_bytes());
    let leaf = leaf_hash(&strata_supply_chain::base64::decode(body).expect("base64"));
    let others = node_hash(&leaf_hash(b"entry 0"), &leaf_hash(b"entry 1"));
    let root = node_hash(&others, &leaf);
    let note = format!("log.test - 1\n3\n{}\n", base64(&root, false));
    let hint = &Sha256::digest(public_der(log))[..4];
    let note_signature: p256::ecdsa::Signature = log.sign(note.as_bytes());
    let signed_note = format!(
        "{note}\n\u{2014} log.test {}\n",
        base64(&[hint, note_signature.to_der().as_bytes()].concat(), false)
    );
    json!({
        "logIndex": "2",
        "logId": { "keyId": base64(&log_id, false) },
        "kindVersion": { "kind": "dsse", "version": "0.0.1" },
        "integratedTime": now.to_string(),
        "inclusionPromise": { "signedEntryTimestamp": base64(promise.to_der().as_bytes(), false) },
        "inclusionProof": {
            "logIndex": "2", "rootHash": base64(&root, false), "treeSize": "3",
            "hashes": [base64(&others, false)],
            "checkpoint": { "envelope": signed_note },
        },
        "canonicalizedBody": body,
    })
}

fn public_der(key: &SigningKey) -> Vec<u8> {
    key.verifying_key()
        .to_public_key_der()
        .expect("DER")
        .as_bytes()
        .to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
