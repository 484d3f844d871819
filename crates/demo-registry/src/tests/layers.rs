//! Tests of `strata/layers`: its manifest and config, the tricky entries of each layer,
//! and the merged view promised in the documentation of [`LAYERS_IMAGE`].

use super::super::layers_image::{HARDLINK, OPAQUE_MARKER, ZONEINFO_FILES};
use super::*;

/// The manifest of `strata/layers:1.0` and its layers, uncompressed.
fn layers_image(layout: &Layout) -> (Value, Vec<Vec<u8>>) {
    let manifest = layout.fetch_json(layout.root(LAYERS_IMAGE));
    let tars = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|layer| {
            assert_eq!(layer["mediaType"], OCI_LAYER_GZIP);
            let blob = layout.fetch(layer);
            // No mtime, no flags (so no file name): the header is the same every time.
            assert_eq!(blob[..9], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0]);
            gunzip(&blob)
        })
        .collect();
    (manifest, tars)
}

/// Every entry of a tar, as (name as stored, entry).
fn entries(tar: &[u8]) -> Vec<(String, tar::EntryType, Option<String>, Vec<u8>)> {
    tar::Archive::new(tar)
        .entries()
        .unwrap()
        .map(|entry| {
            let mut entry = entry.unwrap();
            let header = entry.header();
            assert_eq!(header.mtime().unwrap(), LAYER_MTIME);
            assert_eq!((header.uid().unwrap(), header.gid().unwrap()), (0, 0));
            let name = String::from_utf8(entry.path_bytes().into_owned()).unwrap();
            let kind = header.entry_type();
            let link = entry
                .link_name_bytes()
                .map(|link| String::from_utf8(link.into_owned()).unwrap());
            let mut data = Vec::new();
            entry.read_to_end(&mut data).unwrap();
            (name, kind, link, data)
        })
        .collect()
}

fn is_below(path: &str, dir: &str) -> bool {
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.starts_with('/'))
}

/// The merged root filesystem, by the OCI rules: per layer, opaque markers first, then
/// whiteouts, then the entries, a directory over a directory keeping its children.
fn merged_view(tars: &[Vec<u8>]) -> BTreeMap<String, (tar::EntryType, Option<String>)> {
    let mut view: BTreeMap<String, (tar::EntryType, Option<String>)> = BTreeMap::new();
    for tar in tars {
        let layer = entries(tar);
        let (whiteouts, additions): (Vec<_>, Vec<_>) = layer
            .into_iter()
            .map(|(name, kind, link, _)| (name.trim_end_matches('/').to_owned(), kind, link))
            .partition(|(path, _, _)| path.rsplit('/').next().unwrap().starts_with(".wh."));
        let (opaque, deleted): (Vec<_>, Vec<_>) = whiteouts
            .iter()
            .partition(|(path, _, _)| path.ends_with("/.wh..wh..opq"));
        for (marker, _, _) in opaque {
            let dir = marker.trim_end_matches("/.wh..wh..opq");
            view.retain(|path, _| !is_below(path, dir));
        }
        for (whiteout, _, _) in deleted {
            let (parent, name) = whiteout.rsplit_once('/').unwrap_or(("", whiteout));
            let gone = format!("{parent}/{}", name.trim_start_matches(".wh."));
            let gone = gone.trim_start_matches('/');
            view.retain(|path, _| path != gone && !is_below(path, gone));
        }
        for (path, kind, link) in additions {
            let dir_over_dir = kind.is_dir()
                && view
                    .get(&path)
                    .is_some_and(|(old_kind, _)| old_kind.is_dir());
            if !dir_over_dir {
                view.retain(|old, _| *old != path && !is_below(old, &path));
            }
            view.insert(path, (kind, link));
        }
    }
    view
}

#[test]
fn layers_image_is_an_oci_manifest_of_three_gzip_layers() {
    let layout = Layout::write("layers");
    let root = layout.root(LAYERS_IMAGE);
    assert_eq!(root["mediaType"], OCI_MANIFEST);
    assert_eq!(
        layout.root("strata/layers:latest")["digest"],
        root["digest"]
    );
    let (manifest, tars) = layers_image(&layout);
    assert_eq!(manifest["mediaType"], OCI_MANIFEST);
    assert!(manifest.get("manifests").is_none());
    assert_eq!(tars.len(), 3);

    let config = layout.fetch_json(&manifest["config"]);
    assert_eq!(manifest["config"]["mediaType"], OCI_CONFIG);
    assert_eq!(
        (&config["os"], &config["architecture"]),
        (&json!("linux"), &json!("amd64"))
    );
    let diff_ids: Vec<String> = tars
        .iter()
        .map(|tar| format!("sha256:{}", sha256_hex(tar)))
        .collect();
    assert_eq!(config["rootfs"]["diff_ids"], json!(diff_ids));
    let history = config["history"].as_array().unwrap();
    let non_empty = history
        .iter()
        .filter(|step| step["empty_layer"] != true)
        .count();
    assert_eq!(non_empty, 3);
    assert!(history.len() > 3);
    assert_eq!(config["config"]["Entrypoint"][0], "/bin/busybox");
    assert!(config["config"]["Env"].as_array().unwrap().len() >= 2);
    assert_eq!(
        config["config"]["Labels"]["org.opencontainers.image.title"],
        LAYERS
    );
}

#[test]
fn the_base_layer_has_big_binary_and_numerous_files() {
    let layout = Layout::write("layers-base");
    let (_, tars) = layers_image(&layout);
    let base = entries(&tars[0]);
    let find = |name: &str| {
        base.iter()
            .find(|(entry, ..)| entry == name)
            .unwrap_or_else(|| panic!("no {name} in layer 1"))
    };
    let words = &find("usr/share/dict/words").3;
    assert!((290 * 1024..320 * 1024).contains(&words.len()));
    assert!(std::str::from_utf8(words).is_ok());
    let library = &find("usr/lib/libdemo.so").3;
    assert!(library.starts_with(b"\x7fELF") && std::str::from_utf8(library).is_err());
    assert_eq!(find("bin/sh").2.as_deref(), Some("busybox"));
    assert_eq!(find("var/log/").1, tar::EntryType::Directory);
    let zones = base
        .iter()
        .filter(|(name, kind, ..)| name.starts_with("usr/share/zoneinfo/") && kind.is_file())
        .count();
    assert_eq!((zones, ZONEINFO_FILES), (1500, 1500));
    let mut names: Vec<&String> = base.iter().map(|(name, ..)| name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), base.len(), "no duplicate paths");
}

#[test]
fn the_second_layer_hides_after_a_sibling_and_hardlinks_below() {
    let layout = Layout::write("layers-change");
    let (_, tars) = layers_image(&layout);
    let change = entries(&tars[1]);
    let marker = change
        .iter()
        .position(|(name, ..)| name == OPAQUE_MARKER)
        .unwrap();
    let dir = OPAQUE_MARKER.trim_end_matches(".wh..wh..opq");
    assert!(
        change[..marker]
            .iter()
            .any(|(name, ..)| name.strip_prefix(dir).is_some_and(|rest| !rest.is_empty())),
        "a sibling comes before the opaque marker"
    );
    let (link, target) = HARDLINK;
    let (_, kind, link_name, data) = change.iter().find(|(name, ..)| name == link).unwrap();
    assert_eq!(*kind, tar::EntryType::Link);
    assert_eq!(link_name.as_deref(), Some("bin/busybox"));
    assert_eq!(target, "bin/busybox");
    assert!(data.is_empty());
    let base_names: Vec<String> = entries(&tars[0]).into_iter().map(|e| e.0).collect();
    assert!(base_names.iter().any(|name| name == target));
}

#[test]
fn the_merged_view_matches_the_documentation() {
    let layout = Layout::write("layers-merged");
    let (_, tars) = layers_image(&layout);
    let view = merged_view(&tars);
    let present = [
        "bin/busybox",
        "bin/sh",
        "bin/sh.static",
        "etc/os-release",
        "etc/hostname",
        "etc/hostname/name",
        "usr/share/doc/base/README",
        "usr/share/dict/words",
        "usr/lib/libdemo.so",
        "var/log",
        "opt",
        "srv/www/index.html",
    ];
    for path in present {
        assert!(view.contains_key(path), "{path} is missing");
    }
    let absent = [
        "etc/motd",
        "usr/share/doc/base/LICENSE",
        "usr/share/doc/tools",
        "usr/share/doc/tools/NOTES",
        "opt/app",
        "opt/app/bin/run",
        "opt/app/config/app.toml",
    ];
    for path in absent {
        assert!(!view.contains_key(path), "{path} should be gone");
    }
    assert!(view.keys().all(|path| !path.contains(".wh.")));
    assert!(view["etc/hostname"].0.is_dir());
    assert_eq!(
        view["bin/sh.static"],
        (tar::EntryType::Link, Some("bin/busybox".to_owned()))
    );
    assert!(!view.keys().any(|path| is_below(path, "opt")));
    let zones = view
        .iter()
        .filter(|(path, (kind, _))| is_below(path, "usr/share/zoneinfo") && kind.is_file())
        .count();
    assert_eq!(zones, 1500);

    // The layer 2 versions won.
    let change = entries(&tars[1]);
    let readme = change
        .iter()
        .find(|(name, ..)| name == "usr/share/doc/base/README")
        .unwrap();
    assert!(String::from_utf8_lossy(&readme.3).contains("layer 2"));
}
