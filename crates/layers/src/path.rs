//! Cleaning tar member names into absolute rootfs paths, as Go's `path.Clean` does, refusing `..` escapes.

/// Cleans a tar member name (or a hardlink target) into an absolute path: `./` prefixes, repeated and
/// trailing slashes and `.` are dropped, `..` is resolved. `None` when the name climbs above the root.
/// The root itself cleans to `/`.
pub fn clean(name: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut out = String::with_capacity(name.len() + 1);
    for part in &parts {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// The parent of a cleaned absolute path (`/` for top-level paths and for `/`).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(at) => &path[..at],
    }
}

/// The last component of a cleaned absolute path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Joins a cleaned directory and a name.
pub fn join(dir: &str, name: &str) -> String {
    if dir == "/" {
        format!("/{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The prefix every path strictly below `dir` starts with.
pub fn subtree_prefix(dir: &str) -> String {
    if dir == "/" {
        "/".to_owned()
    } else {
        format!("{dir}/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_path_clean() {
        let cases: [(&str, Option<&str>); 14] = [
            ("etc/os-release", Some("/etc/os-release")),
            ("./etc/os-release", Some("/etc/os-release")),
            ("/etc//os-release", Some("/etc/os-release")),
            ("usr/bin/", Some("/usr/bin")),
            ("./", Some("/")),
            (".", Some("/")),
            ("", Some("/")),
            ("a/./b/../c", Some("/a/c")),
            ("a/..", Some("/")),
            ("..", None),
            ("../etc/passwd", None),
            ("a/../../etc", None),
            ("/../x", None),
            ("a/b/../../..", None),
        ];
        for (input, expected) in cases {
            assert_eq!(clean(input).as_deref(), expected, "{input:?}");
        }
    }

    #[test]
    fn parents_names_and_prefixes() {
        let cases = [
            ("/", "/", "", "/"),
            ("/etc", "/", "etc", "/etc/"),
            ("/etc/ssl/certs", "/etc/ssl", "certs", "/etc/ssl/certs/"),
        ];
        for (path, expected_parent, name, prefix) in cases {
            assert_eq!(parent(path), expected_parent, "{path}");
            assert_eq!(file_name(path), name, "{path}");
            assert_eq!(subtree_prefix(path), prefix, "{path}");
        }
        assert_eq!(join("/", "a"), "/a");
        assert_eq!(join("/a", "b"), "/a/b");
    }
}
