//! Single-platform greet builds in buildkit style, one per release, for the lessons: a
//! tag that moved, a manifest no tag names and a tampered index.
//!
//! Each build has the shared alpine base layer and an application layer of its own (its
//! files name the repository and version, so no lesson shares that blob with another image).

use crate::error::{Context as _, Result, bail};
use serde_json::{Value, json};

use super::images::history_step;
use super::layers::{Entry, base_entries, gzip, tar_bytes, tar_bytes_at};
use super::platforms::Platform;
use super::{
    BASE_CREATED, Blob, Blobs, ENTRYPOINT, LICENSE, OCI_CONFIG, OCI_INDEX, OCI_LAYER_GZIP,
    OCI_MANIFEST, PATH_ENV, SOURCE_URL, descriptor, insert, sha256_hex,
};

const USER: &str = "65534:65534";
const WORKDIR: &str = "/srv";
const BUILDKIT: &str = "buildkit.dockerfile.v0";
const SITE_DIR: &str = "/srv/site";

/// greet's web page: nothing in it depends on the platform, so `COPY --link` gives every platform's
/// image the very same layer.
fn site_entries() -> Vec<Entry> {
    let page = "<!doctype html>\n<title>greet</title>\n<p>greet says hello on port 8080.</p>\n";
    vec![
        Entry::Dir("srv", 0o755),
        Entry::Dir("srv/site", 0o755),
        Entry::File("srv/site/index.html", 0o644, page.to_owned()),
    ]
}

/// One build of greet.
#[derive(Clone, Copy)]
pub(super) struct Release {
    pub(super) repository: &'static str,
    pub(super) version: &'static str,
    /// The commit it was built from.
    pub(super) revision: &'static str,
    /// When it was built (RFC 3339, UTC); also the mtime of its application layer's files.
    pub(super) created: &'static str,
    /// The `GREETING` the image sets.
    pub(super) greeting: &'static str,
    /// One line of release notes, shipped in `/usr/share/greet/message.txt`.
    pub(super) notes: &'static str,
    pub(super) platform: Platform,
}

/// What one build stored, with the documents a tampering starts from.
pub(super) struct Build {
    pub(super) manifest: Blob,
    pub(super) manifest_json: Value,
    pub(super) config: Blob,
    pub(super) config_json: Value,
    /// The application layer (the last one) as stored.
    pub(super) app_layer: Blob,
}

impl Release {
    /// `/usr/local/bin/greet` and its message file.
    pub(super) fn app_entries(&self) -> Vec<Entry> {
        let script = format!(
            "#!/bin/sh\n# greet {version} for {spec}\nset -eu\n\
             printf '%s, %s.\\n' \"${{GREETING:-hello}}\" \"${{1:-world}}\"\n\
             cat /usr/share/greet/message.txt\n",
            version = self.version,
            spec = self.platform.spec(),
        );
        let message = format!(
            "greet {} ({}), from {}.\n{}\n",
            self.version,
            self.platform.spec(),
            self.repository,
            self.notes
        );
        vec![
            Entry::Dir("usr", 0o755),
            Entry::Dir("usr/local", 0o755),
            Entry::Dir("usr/local/bin", 0o755),
            Entry::File("usr/local/bin/greet", 0o755, script),
            Entry::Dir("usr/share", 0o755),
            Entry::Dir("usr/share/greet", 0o755),
            Entry::File("usr/share/greet/message.txt", 0o644, message),
        ]
    }

    /// A tar of `entries` as this build writes it: every file modified when it was built.
    pub(super) fn tar(&self, entries: &[Entry]) -> Result<Vec<u8>> {
        tar_bytes_at(entries, epoch_seconds(self.created)?)
    }

    /// Stores the layers, config and manifest.
    pub(super) fn build(&self, blobs: &mut Blobs) -> Result<Build> {
        self.build_layers(blobs, false)
    }

    /// Like [`build`](Self::build), with the web site copied between the base and the application:
    /// the same layer, byte for byte, in every build that has it.
    pub(super) fn build_with_site(&self, blobs: &mut Blobs) -> Result<Build> {
        self.build_layers(blobs, true)
    }

    fn build_layers(&self, blobs: &mut Blobs, with_site: bool) -> Result<Build> {
        let mut tars = vec![tar_bytes(&base_entries(self.platform))?];
        if with_site {
            tars.push(tar_bytes(&site_entries())?);
        }
        tars.push(self.tar(&self.app_entries())?);
        let mut diff_ids = Vec::new();
        let mut layers = Vec::new();
        let mut stored = Vec::new();
        for tar in &tars {
            diff_ids.push(format!("sha256:{}", sha256_hex(tar)));
            let layer = blobs.put(gzip(tar)?);
            layers.push(descriptor(OCI_LAYER_GZIP, &layer));
            stored.push(layer);
        }
        let app_layer = stored.pop().context("the application layer was stored")?;
        let config_json = self.config(&diff_ids, with_site);
        let config = blobs.put_json(&config_json)?;
        let manifest_json = json!({
            "schemaVersion": 2,
            "mediaType": OCI_MANIFEST,
            "config": descriptor(OCI_CONFIG, &config),
            "layers": layers,
            "annotations": {
                "org.opencontainers.image.created": self.created,
                "org.opencontainers.image.revision": self.revision,
                "org.opencontainers.image.source": SOURCE_URL,
                "org.opencontainers.image.version": self.version,
            },
        });
        let manifest = blobs.put_json(&manifest_json)?;
        Ok(Build {
            manifest,
            manifest_json,
            config,
            config_json,
            app_layer,
        })
    }

    fn greeting_env(&self) -> String {
        format!("GREETING={}", self.greeting)
    }

    fn labels(&self) -> Value {
        json!({
            "org.opencontainers.image.created": self.created,
            "org.opencontainers.image.licenses": LICENSE,
            "org.opencontainers.image.revision": self.revision,
            "org.opencontainers.image.source": SOURCE_URL,
            "org.opencontainers.image.title": self.repository,
            "org.opencontainers.image.version": self.version,
        })
    }

    fn config(&self, diff_ids: &[String], with_site: bool) -> Value {
        let mut config = self.platform.to_json();
        insert(&mut config, "created", json!(self.created));
        insert(
            &mut config,
            "config",
            json!({
                "User": USER,
                "Env": [PATH_ENV, self.greeting_env()],
                "Entrypoint": [ENTRYPOINT],
                "Cmd": ["world"],
                "WorkingDir": WORKDIR,
                "Labels": self.labels(),
            }),
        );
        insert(
            &mut config,
            "rootfs",
            json!({ "type": "layers", "diff_ids": diff_ids }),
        );
        insert(&mut config, "history", json!(self.history(with_site)));
        config
    }

    fn history(&self, with_site: bool) -> Vec<Value> {
        let arch = self.platform.alpine_arch;
        let label = format!(
            "LABEL org.opencontainers.image.title={} org.opencontainers.image.version={} \
             org.opencontainers.image.revision={}",
            self.repository, self.version, self.revision
        );
        let site = with_site.then(|| {
            (
                self.created,
                format!("COPY --link site/ {SITE_DIR}/ # buildkit"),
                false,
            )
        });
        let steps = [
            (
                BASE_CREATED,
                format!("ADD alpine-minirootfs-3.23.2-{arch}.tar.gz / # buildkit"),
                false,
            ),
            (BASE_CREATED, r#"CMD ["/bin/sh"]"#.to_owned(), true),
        ]
        .into_iter()
        .chain(site)
        .chain([
            (self.created, format!("ENV {}", self.greeting_env()), true),
            (
                self.created,
                "COPY greet message.txt /src/ # buildkit".to_owned(),
                false,
            ),
            (self.created, label, true),
            (self.created, format!("WORKDIR {WORKDIR}"), true),
            (self.created, format!("USER {USER}"), true),
            (
                self.created,
                format!(r#"ENTRYPOINT ["{ENTRYPOINT}"]"#),
                true,
            ),
            (self.created, r#"CMD ["world"]"#.to_owned(), true),
        ]);
        steps
            .map(|(created, created_by, empty)| {
                history_step(created, created_by, empty, Some(BUILDKIT))
            })
            .collect()
    }
}

/// An OCI index of `release` built once per platform by `build` (which returns the stored manifest),
/// annotated with the release's time and revision.
pub(super) fn platform_index(
    blobs: &mut Blobs,
    release: &Release,
    platforms: &[Platform],
    mut build: impl FnMut(&mut Blobs, &Release) -> Result<Blob>,
) -> Result<Blob> {
    let mut entries = Vec::new();
    for &platform in platforms {
        let manifest = build(
            blobs,
            &Release {
                platform,
                ..*release
            },
        )?;
        let mut entry = descriptor(OCI_MANIFEST, &manifest);
        insert(&mut entry, "platform", platform.to_json());
        entries.push(entry);
    }
    blobs.put_json(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": entries,
        "annotations": {
            "org.opencontainers.image.created": release.created,
            "org.opencontainers.image.revision": release.revision,
            "org.opencontainers.image.source": SOURCE_URL,
        },
    }))
}

/// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SSZ` (proleptic Gregorian, UTC).
pub(super) fn epoch_seconds(time: &str) -> Result<u64> {
    let field = |range: std::ops::Range<usize>| -> Result<i64> {
        time.get(range)
            .and_then(|digits| digits.parse().ok())
            .with_context(|| format!("not an RFC 3339 UTC time: {time}"))
    };
    if time.len() != 20 || !time.ends_with('Z') {
        bail!("not an RFC 3339 UTC time: {time}");
    }
    let (year, month, day) = (field(0..4)?, field(5..7)?, field(8..10)?);
    let (hour, minute, second) = (field(11..13)?, field(14..16)?, field(17..19)?);
    // Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second;
    u64::try_from(seconds).with_context(|| format!("{time} is before 1970"))
}
