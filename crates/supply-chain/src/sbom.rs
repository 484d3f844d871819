//! The packages an SBOM lists: SPDX 2.2/2.3 JSON (`packages`) and CycloneDX 1.4–1.6 JSON (`components`,
//! nested ones included). The tools that wrote the SBOM (CycloneDX `metadata.tools`, SPDX `creators`) are
//! not packages.

use serde_json::Value;

/// The predicate type of an SPDX document.
pub const SPDX_PREDICATE: &str = "https://spdx.dev/Document";
/// The predicate type of a CycloneDX BOM.
pub const CYCLONEDX_PREDICATE: &str = "https://cyclonedx.org/bom";

/// An SBOM's format and version, as it states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SbomFormat {
    /// SPDX, with its `spdxVersion` (`SPDX-2.3`).
    Spdx(String),
    /// CycloneDX, with its `specVersion` (`1.5`).
    CycloneDx(String),
}

/// One package.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Package {
    /// Its name.
    pub name: String,
    /// Its version, when stated.
    pub version: Option<String>,
    /// What kind of package: the purl's type (`apk`, `npm`), else CycloneDX's `type` or SPDX's
    /// `primaryPackagePurpose`.
    pub kind: Option<String>,
    /// Its package URL, when stated.
    pub purl: Option<String>,
    /// Its license: SPDX's concluded license, else the declared one; CycloneDX's ids, names or expression.
    pub license: Option<String>,
    /// The package the SBOM describes (SPDX `DESCRIBES`): the image itself, not something in it.
    pub described: bool,
}

impl Package {
    /// `name@version`, as `data-package` carries it.
    pub fn name_at_version(&self) -> String {
        format!("{}@{}", self.name, self.version.as_deref().unwrap_or(""))
    }
}

/// An SBOM's packages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sbom {
    /// Its format.
    pub format: SbomFormat,
    /// Its packages, in document order.
    pub packages: Vec<Package>,
}

/// Why a predicate is not an SBOM Strata reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SbomError {
    /// A predicate type that names no SBOM.
    #[error("{0} is not an SBOM predicate")]
    NotAnSbom(String),
    /// A version this reader does not know.
    #[error("{0} is not a version Strata reads (SPDX 2.2 and 2.3, CycloneDX 1.4 to 1.6)")]
    Version(String),
    /// The document lacks what its format requires.
    #[error("the SBOM has no {0}")]
    Missing(&'static str),
}

/// The SBOM a statement's predicate is, by its predicate type.
pub fn read(predicate_type: &str, predicate: &Value) -> Result<Sbom, SbomError> {
    match predicate_type {
        SPDX_PREDICATE => spdx(predicate),
        CYCLONEDX_PREDICATE => cyclonedx(predicate),
        other => Err(SbomError::NotAnSbom(other.to_owned())),
    }
}

fn text(value: &Value, key: &str) -> Option<String> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty() && *text != "NOASSERTION" && *text != "NONE")
        .map(str::to_owned)
}

/// `pkg:apk/alpine/musl@1.2` → `apk`.
fn purl_type(purl: &str) -> Option<String> {
    purl.strip_prefix("pkg:")?
        .split(['/', '@', '?'])
        .next()
        .filter(|kind| !kind.is_empty())
        .map(str::to_owned)
}

fn spdx(document: &Value) -> Result<Sbom, SbomError> {
    let version = text(document, "spdxVersion").ok_or(SbomError::Missing("spdxVersion"))?;
    if !matches!(version.as_str(), "SPDX-2.2" | "SPDX-2.3") {
        return Err(SbomError::Version(version));
    }
    let described: Vec<&str> = document
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|relation| {
            relation.get("relationshipType").and_then(Value::as_str) == Some("DESCRIBES")
                && relation.get("spdxElementId").and_then(Value::as_str)
                    == document.get("SPDXID").and_then(Value::as_str)
        })
        .filter_map(|relation| relation.get("relatedSpdxElement").and_then(Value::as_str))
        .chain(
            document
                .get("documentDescribes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        )
        .collect();
    let packages = document
        .get("packages")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|package| {
            let name = text(package, "name")?;
            let purl = package
                .get("externalRefs")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|reference| {
                    reference.get("referenceType").and_then(Value::as_str) == Some("purl")
                })
                .and_then(|reference| text(reference, "referenceLocator"));
            let kind = purl
                .as_deref()
                .and_then(purl_type)
                .or_else(|| text(package, "primaryPackagePurpose").map(|kind| kind.to_lowercase()));
            let id = package.get("SPDXID").and_then(Value::as_str);
            Some(Package {
                name,
                version: text(package, "versionInfo"),
                kind,
                purl,
                license: text(package, "licenseConcluded")
                    .or_else(|| text(package, "licenseDeclared")),
                described: id.is_some_and(|id| described.contains(&id)),
            })
        })
        .collect();
    Ok(Sbom {
        format: SbomFormat::Spdx(version),
        packages,
    })
}

fn cyclonedx(bom: &Value) -> Result<Sbom, SbomError> {
    if bom.get("bomFormat").and_then(Value::as_str) != Some("CycloneDX") {
        return Err(SbomError::Missing("bomFormat \"CycloneDX\""));
    }
    let version = text(bom, "specVersion").ok_or(SbomError::Missing("specVersion"))?;
    if !matches!(version.as_str(), "1.4" | "1.5" | "1.6") {
        return Err(SbomError::Version(format!("CycloneDX {version}")));
    }
    let mut packages = Vec::new();
    let mut pending: Vec<&Value> = bom
        .get("components")
        .and_then(Value::as_array)
        .map(|components| components.iter().rev().collect())
        .unwrap_or_default();
    // Depth first, in document order; nesting is bounded by the document, never by recursion.
    while let Some(component) = pending.pop() {
        if let Some(children) = component.get("components").and_then(Value::as_array) {
            pending.extend(children.iter().rev());
        }
        let Some(name) = text(component, "name") else {
            continue;
        };
        let purl = text(component, "purl");
        let kind = purl
            .as_deref()
            .and_then(purl_type)
            .or_else(|| text(component, "type"));
        packages.push(Package {
            name,
            version: text(component, "version"),
            kind,
            purl,
            license: cyclonedx_license(component),
            described: false,
        });
    }
    Ok(Sbom {
        format: SbomFormat::CycloneDx(version),
        packages,
    })
}

/// `licenses: [{license: {id | name}} | {expression}]`, joined with ` AND ` as SPDX expressions are.
fn cyclonedx_license(component: &Value) -> Option<String> {
    let names: Vec<String> = component
        .get("licenses")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            text(entry, "expression").or_else(|| {
                let license = entry.get("license")?;
                text(license, "id").or_else(|| text(license, "name"))
            })
        })
        .collect();
    (!names.is_empty()).then(|| names.join(" AND "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn spdx_packages_with_their_purl_type_license_and_the_described_image() {
        let document = json!({
            "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
            "creationInfo": {"creators": ["Tool: syft-v1.19.0"]},
            "packages": [
                {"name": "team/app", "SPDXID": "SPDXRef-Image", "versionInfo": "1.0",
                 "licenseConcluded": "NOASSERTION", "primaryPackagePurpose": "CONTAINER"},
                {"name": "musl", "SPDXID": "SPDXRef-musl", "versionInfo": "1.2.5-r21",
                 "licenseConcluded": "NOASSERTION", "licenseDeclared": "MIT",
                 "externalRefs": [
                    {"referenceType": "cpe23Type", "referenceLocator": "cpe:2.3:a:musl"},
                    {"referenceType": "purl", "referenceLocator": "pkg:apk/alpine/musl@1.2.5-r21?arch=x86_64"}]},
                {"name": "no-version", "SPDXID": "SPDXRef-x"},
                {"SPDXID": "SPDXRef-nameless"},
            ],
            "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                               "relatedSpdxElement": "SPDXRef-Image"}],
        });
        let sbom = read(SPDX_PREDICATE, &document).expect("an SBOM");
        assert_eq!(sbom.format, SbomFormat::Spdx("SPDX-2.3".into()));
        assert_eq!(
            sbom.packages,
            [
                Package {
                    name: "team/app".into(),
                    version: Some("1.0".into()),
                    kind: Some("container".into()),
                    purl: None,
                    license: None,
                    described: true
                },
                Package {
                    name: "musl".into(),
                    version: Some("1.2.5-r21".into()),
                    kind: Some("apk".into()),
                    purl: Some("pkg:apk/alpine/musl@1.2.5-r21?arch=x86_64".into()),
                    license: Some("MIT".into()),
                    described: false
                },
                Package {
                    name: "no-version".into(),
                    ..Package::default()
                },
            ]
        );
        assert_eq!(sbom.packages[1].name_at_version(), "musl@1.2.5-r21");
        assert_eq!(sbom.packages[2].name_at_version(), "no-version@");
    }

    #[test]
    fn cyclonedx_components_nested_included_tools_left_out() {
        let bom = json!({
            "bomFormat": "CycloneDX", "specVersion": "1.5",
            "metadata": {"tools": {"components": [{"type": "application", "name": "syft", "version": "1.0"}]},
                         "component": {"type": "container", "name": "team/app"}},
            "components": [
                {"type": "library", "name": "lodash", "version": "4.17.21", "purl": "pkg:npm/lodash@4.17.21",
                 "licenses": [{"license": {"id": "MIT"}}],
                 "components": [{"type": "file", "name": "lodash/package.json"}]},
                {"type": "operating-system", "name": "alpine", "version": "3.20",
                 "licenses": [{"expression": "MIT OR Apache-2.0"}, {"license": {"name": "Custom"}}]},
            ],
        });
        let sbom = read(CYCLONEDX_PREDICATE, &bom).expect("an SBOM");
        let listed: Vec<(String, Option<String>, Option<String>)> = sbom
            .packages
            .iter()
            .map(|p| (p.name_at_version(), p.kind.clone(), p.license.clone()))
            .collect();
        assert_eq!(
            listed,
            [
                (
                    "lodash@4.17.21".into(),
                    Some("npm".into()),
                    Some("MIT".into())
                ),
                ("lodash/package.json@".into(), Some("file".into()), None),
                (
                    "alpine@3.20".into(),
                    Some("operating-system".into()),
                    Some("MIT OR Apache-2.0 AND Custom".into())
                ),
            ]
        );
    }

    #[test]
    fn what_is_not_an_sbom_says_why() {
        for (predicate_type, document, expected) in [
            (
                "https://slsa.dev/provenance/v1",
                json!({}),
                "is not an SBOM predicate",
            ),
            (
                SPDX_PREDICATE,
                json!({"spdxVersion": "SPDX-3.0"}),
                "SPDX-3.0 is not a version",
            ),
            (SPDX_PREDICATE, json!({}), "no spdxVersion"),
            (
                CYCLONEDX_PREDICATE,
                json!({"bomFormat": "CycloneDX", "specVersion": "1.2"}),
                "CycloneDX 1.2 is not",
            ),
            (
                CYCLONEDX_PREDICATE,
                json!({"specVersion": "1.5"}),
                "no bomFormat",
            ),
        ] {
            let error = read(predicate_type, &document)
                .expect_err("not read")
                .to_string();
            assert!(error.contains(expected), "{error}");
        }
    }
}
