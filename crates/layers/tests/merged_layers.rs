//! Layers merged by `Filesystem`: whiteouts, opaque directories, hardlinks, and each layer's own changes.

mod support;

use strata_layers::{Change, FileEntry, Filesystem};

use support::*;

fn layer(tar: &[u8]) -> Vec<FileEntry> {
    read(GZIP, &gzip(tar), tar).entries
}

fn changes(fs: &mut Filesystem, index: usize, tar: &[u8]) -> Vec<String> {
    fs.apply_layer(index, &layer(tar))
        .iter()
        .map(|change| format!("{} {}", change.change.as_str(), change.entry.path))
        .collect()
}

fn merged(fs: &Filesystem) -> Vec<String> {
    fs.entries()
        .iter()
        .map(|node| format!("{}@{}", node.entry.path, node.layer))
        .collect()
}

#[test]
fn three_layers_with_whiteouts_and_an_opaque_directory() {
    let mut fs = Filesystem::new();
    let base = Tar::default()
        .dir("bin")
        .file("bin/busybox", &[0; 1000])
        .dir("etc")
        .file("etc/motd", b"hi")
        .dir("opt")
        .dir("opt/app")
        .file("opt/app/old.txt", b"old")
        .dir("opt/app/lib")
        .file("opt/app/lib/x.so", b"x")
        .dir("var")
        .dir("var/cache")
        .file("var/cache/c", b"c")
        .file("tool", b"file that becomes a directory")
        .end();
    let added = changes(&mut fs, 0, &base);
    assert!(
        added.iter().all(|line| line.starts_with("added ")),
        "{added:?}"
    );

    let second = Tar::default()
        .file("etc/.wh.motd", b"")
        .file(".wh.var", b"")
        // The opaque marker comes after the re-created child: it must still apply to lower layers only.
        .dir("opt/app")
        .file("opt/app/new.txt", b"new")
        .file("opt/app/.wh..wh..opq", b"")
        .link("bin/sh", b'1', "bin/busybox")
        .file("opt/app/lib", b"now a file")
        .dir("tool")
        .file("tool/inside", b"i")
        .end();
    assert_eq!(
        changes(&mut fs, 1, &second),
        [
            "added /bin/sh",
            "deleted /etc/motd",
            "unchanged /opt/app",
            // A lower directory (hidden by the opaque marker) that this layer re-creates as a file.
            "modified /opt/app/lib",
            "deleted /opt/app/lib/x.so",
            "added /opt/app/new.txt",
            "deleted /opt/app/old.txt",
            "modified /tool",
            "added /tool/inside",
            "deleted /var",
        ]
    );
    assert_eq!(
        merged(&fs),
        [
            "/bin@0",
            "/bin/busybox@0",
            "/bin/sh@1",
            "/etc@0",
            "/opt@0",
            "/opt/app@0",
            "/opt/app/lib@1",
            "/opt/app/new.txt@1",
            "/tool@1",
            "/tool/inside@1",
        ]
    );
    let sh = fs.resolve_hardlink("/bin/sh").expect("target present");
    assert_eq!((sh.entry.path.as_str(), sh.layer), ("/bin/busybox", 0));

    let third = Tar::default()
        .file("opt/.wh.app", b"")
        .file("etc/.wh.absent", b"")
        .file("bin/busybox", &[1; 500])
        .end();
    let changes_three = fs.apply_layer(2, &layer(&third));
    let summary: Vec<String> = changes_three
        .iter()
        .map(|change| format!("{} {}", change.change.as_str(), describe(&change.entry)))
        .collect();
    assert_eq!(
        summary,
        [
            "modified /bin/busybox file 500",
            "deleted /etc/absent file 0 (removes)",
            "deleted /opt/app directory 0 (removes)",
        ]
    );
    assert!(
        changes_three
            .iter()
            .all(|change| change.change != Change::Unchanged)
    );
    assert!(fs.get("/opt/app/new.txt").is_none());
    assert_eq!(
        fs.resolve_hardlink("/bin/sh").map(|node| node.layer),
        Some(2)
    );
    assert_eq!(fs.directory_size("/bin"), 500);
    assert_eq!(fs.directory_size("/"), 501);
    assert!(fs.findings().is_empty(), "{:?}", fs.findings());
}

#[test]
fn a_hardlink_to_a_missing_target_is_a_finding() {
    let mut fs = Filesystem::new();
    let tar = Tar::default().link("bin/ls", b'1', "bin/gone").end();
    fs.apply_layer(0, &layer(&tar));
    assert_eq!(fs.resolve_hardlink("/bin/ls"), None);
    assert_eq!(fs.findings().len(), 1);
}
