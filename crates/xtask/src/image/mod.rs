//! `cargo xtask image`: Strata itself as an OCI image layout — one static proxy binary with the front end
//! and the demo registry inside, no shell, a non-root user — written by Strata's own code (no container
//! daemon) and byte for byte the same for every build of a commit.

mod oci_image;
mod static_proxy;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use crate::{front_end, system_tools, workspace};

pub use oci_image::Commit;

/// Where `cargo xtask image` writes the layout, tagged `latest`.
pub fn layout_dir() -> PathBuf {
    workspace::root().join("target/oci/strata")
}

/// `cargo xtask image [--out DIR]`.
pub fn command(args: &[String]) -> anyhow::Result<()> {
    match args {
        [] => write(&layout_dir()),
        [flag, dir] if flag == "--out" => write(Path::new(dir)),
        _ => bail!("usage: cargo xtask image [--out DIR]"),
    }
}

/// Builds the front end and the static proxy that embeds it (and the demo layout), then writes the image
/// as an OCI layout into `out`.
pub fn write(out: &Path) -> anyhow::Result<()> {
    system_tools::ensure_wasm_target()?;
    system_tools::ensure_image_tools()?;
    let work = workspace::root().join("target/image");
    let fresh = work.join("fresh");
    let front_end_dir = work.join("front-end");
    // Built fresh, then copied over what the proxy embeds only where bytes changed: the proxy is relinked
    // (minutes, with LTO) only when its inputs really changed.
    front_end::build(&fresh.join("front-end"))?;
    sync_dir(&fresh.join("front-end"), &front_end_dir)?;
    let binary = static_proxy::build(&front_end_dir)?;
    let binary = fs::read(&binary).with_context(|| format!("cannot read {}", binary.display()))?;
    let image = oci_image::OciImage::new(&binary, &head_commit()?)?;
    image.write(out)?;
    eprintln!(
        "image written to {} as latest: {}",
        out.display(),
        image.manifest_digest
    );
    Ok(())
}

/// The commit checked out: the image names it and takes its time as every timestamp.
fn head_commit() -> anyhow::Result<Commit> {
    let output = Command::new("git")
        .current_dir(workspace::root())
        .env("TZ", "UTC")
        .args([
            "show",
            "--no-patch",
            "--format=%H%n%ct%n%cd",
            "--date=format-local:%Y-%m-%dT%H:%M:%SZ",
            "HEAD",
        ])
        .output()
        .context("cannot run git: the image is stamped with the commit it is built from")?;
    if !output.status.success() {
        bail!(
            "git cannot name the commit checked out: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let text = String::from_utf8(output.stdout)?;
    let mut lines = text.lines();
    let (Some(revision), Some(time), Some(created)) = (lines.next(), lines.next(), lines.next())
    else {
        bail!("unexpected answer from git show: {text:?}");
    };
    Ok(Commit {
        revision: revision.to_owned(),
        time: time
            .parse()
            .with_context(|| format!("a commit time: {time:?}"))?,
        created: created.to_owned(),
    })
}

/// Makes `to` hold exactly the files of `from`, writing only those whose bytes differ so that the
/// others keep their modification times.
fn sync_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    if to.is_file() {
        fs::remove_file(to)?;
    }
    fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in fs::read_dir(to)? {
        let entry = entry?;
        if fs::symlink_metadata(from.join(entry.file_name())).is_err() {
            let stale = entry.path();
            if entry.file_type()?.is_dir() {
                fs::remove_dir_all(&stale)?;
            } else {
                fs::remove_file(&stale)?;
            }
        }
    }
    for entry in fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            sync_dir(&entry.path(), &target)?;
            continue;
        }
        let bytes = fs::read(entry.path())?;
        if target.is_dir() {
            fs::remove_dir_all(&target)?;
        }
        if fs::read(&target).ok().as_deref() != Some(bytes.as_slice()) {
            fs::write(&target, &bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_writes_only_what_changed_and_removes_what_is_gone() {
        let base = std::env::temp_dir().join(format!("strata-sync-{}", std::process::id()));
        let (from, to) = (base.join("from"), base.join("to"));
        let _ = fs::remove_dir_all(&base);
        for (path, bytes) in [("same", "kept"), ("changed", "new"), ("dir/inner", "added")] {
            let path = from.join(path);
            fs::create_dir_all(path.parent().expect("a parent")).expect("a temp dir");
            fs::write(path, bytes).expect("a temp file");
        }
        fs::create_dir_all(to.join("gone-dir")).expect("a temp dir");
        for (path, bytes) in [("same", "kept"), ("changed", "old"), ("gone", "x")] {
            fs::write(to.join(path), bytes).expect("a temp file");
        }
        let kept_since = fs::metadata(to.join("same"))
            .and_then(|meta| meta.modified())
            .expect("a time");

        sync_dir(&from, &to).expect("synced");

        let mut names: Vec<String> = walk(&to);
        names.sort();
        assert_eq!(names, ["changed", "dir/inner", "same"]);
        assert_eq!(fs::read_to_string(to.join("changed")).expect("read"), "new");
        assert_eq!(
            fs::metadata(to.join("same"))
                .and_then(|meta| meta.modified())
                .expect("a time"),
            kept_since,
            "an unchanged file is not rewritten"
        );
        let _ = fs::remove_dir_all(&base);
    }

    fn walk(dir: &Path) -> Vec<String> {
        let mut names = Vec::new();
        for entry in fs::read_dir(dir).expect("a dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() {
                names.extend(
                    walk(&entry.path())
                        .into_iter()
                        .map(|inner| format!("{name}/{inner}")),
                );
            } else {
                names.push(name);
            }
        }
        names
    }
}
