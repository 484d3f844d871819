//! Reference parsing and normalization, table by table against the Docker CLI's rules.

use super::*;

const HEX64: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct Valid {
    input: String,
    registry: &'static str,
    repository: String,
    tag: Option<String>,
    digest: Option<String>,
    familiar: String,
    full: String,
}

fn ok(
    input: impl Into<String>,
    registry: &'static str,
    repository: impl Into<String>,
    tag: Option<&str>,
    digest: Option<&str>,
    familiar: impl Into<String>,
    full: impl Into<String>,
) -> Valid {
    Valid {
        input: input.into(),
        registry,
        repository: repository.into(),
        tag: tag.map(str::to_string),
        digest: digest.map(str::to_string),
        familiar: familiar.into(),
        full: full.into(),
    }
}

#[test]
fn valid_references() {
    let sha = format!("sha256:{HEX64}");
    let sha512 = format!("sha512:{HEX64}{HEX64}");
    let sha384 = format!("sha384:{HEX64}{}", &HEX64[..32]);
    let tag128 = "t".repeat(128);
    let path255 = format!("{}/{}", "a".repeat(127), "b".repeat(127));
    let single247 = "a".repeat(247);
    #[rustfmt::skip]
    let cases = vec![
        ok("alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
        ok("alpine:3.19", "docker.io", "library/alpine", Some("3.19"), None, "alpine:3.19", "docker.io/library/alpine:3.19"),
        ok("library/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
        ok("docker.io/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
        ok("docker.io/library/alpine:edge", "docker.io", "library/alpine", Some("edge"), None, "alpine:edge", "docker.io/library/alpine:edge"),
        ok("index.docker.io/library/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
        ok("index.docker.io/alpine", "docker.io", "library/alpine", None, None, "alpine:latest", "docker.io/library/alpine:latest"),
        ok("registry-1.docker.io/alpine", "registry-1.docker.io", "alpine", None, None, "registry-1.docker.io/alpine:latest", "registry-1.docker.io/alpine:latest"),
        ok("ghcr.io/org/app:1.2", "ghcr.io", "org/app", Some("1.2"), None, "ghcr.io/org/app:1.2", "ghcr.io/org/app:1.2"),
        ok(format!("localhost:5000/team/app@{sha}"), "localhost:5000", "team/app", None, Some(&sha), format!("localhost:5000/team/app@{sha}"), format!("localhost:5000/team/app@{sha}")),
        ok("localhost:5000", "docker.io", "library/localhost", Some("5000"), None, "localhost:5000", "docker.io/library/localhost:5000"),
        ok("localhost", "docker.io", "library/localhost", None, None, "localhost:latest", "docker.io/library/localhost:latest"),
        ok("example.com", "docker.io", "library/example.com", None, None, "example.com:latest", "docker.io/library/example.com:latest"),
        ok("192.168.1.1", "docker.io", "library/192.168.1.1", None, None, "192.168.1.1:latest", "docker.io/library/192.168.1.1:latest"),
        ok("localhost/foo", "localhost", "foo", None, None, "localhost/foo:latest", "localhost/foo:latest"),
        ok("Foo/bar", "Foo", "bar", None, None, "Foo/bar:latest", "Foo/bar:latest"),
        ok("Example.COM/x:Y", "Example.COM", "x", Some("Y"), None, "Example.COM/x:Y", "Example.COM/x:Y"),
        ok("example:5000/x", "example:5000", "x", None, None, "example:5000/x:latest", "example:5000/x:latest"),
        ok("[::1]:5000/a/b:c", "[::1]:5000", "a/b", Some("c"), None, "[::1]:5000/a/b:c", "[::1]:5000/a/b:c"),
        ok("[::1]/a", "[::1]", "a", None, None, "[::1]/a:latest", "[::1]/a:latest"),
        ok("[2001:DB8::1]:443/x", "[2001:DB8::1]:443", "x", None, None, "[2001:DB8::1]:443/x:latest", "[2001:DB8::1]:443/x:latest"),
        ok("192.168.1.1:5000/x/y:z", "192.168.1.1:5000", "x/y", Some("z"), None, "192.168.1.1:5000/x/y:z", "192.168.1.1:5000/x/y:z"),
        ok("a__b/c", "docker.io", "a__b/c", None, None, "a__b/c:latest", "docker.io/a__b/c:latest"),
        ok("a_b-c---d/e.f__g", "docker.io", "a_b-c---d/e.f__g", None, None, "a_b-c---d/e.f__g:latest", "docker.io/a_b-c---d/e.f__g:latest"),
        ok("foo_bar/x", "docker.io", "foo_bar/x", None, None, "foo_bar/x:latest", "docker.io/foo_bar/x:latest"),
        ok("myuser/myapp", "docker.io", "myuser/myapp", None, None, "myuser/myapp:latest", "docker.io/myuser/myapp:latest"),
        ok("a/b/c/d/e", "docker.io", "a/b/c/d/e", None, None, "a/b/c/d/e:latest", "docker.io/a/b/c/d/e:latest"),
        // Docker would print these as `a.b/c` and `localhost/x`, which read back as other registries.
        ok("docker.io/a.b/c", "docker.io", "a.b/c", None, None, "docker.io/a.b/c:latest", "docker.io/a.b/c:latest"),
        ok("docker.io/localhost/x:1", "docker.io", "localhost/x", Some("1"), None, "docker.io/localhost/x:1", "docker.io/localhost/x:1"),
        ok("docker.io/library/foo/bar", "docker.io", "library/foo/bar", None, None, "library/foo/bar:latest", "docker.io/library/foo/bar:latest"),
        ok("quay.io/a/b:0", "quay.io", "a/b", Some("0"), None, "quay.io/a/b:0", "quay.io/a/b:0"),
        ok("registry.example.com:443/a-b/c_d:v1.2.3-rc.1", "registry.example.com:443", "a-b/c_d", Some("v1.2.3-rc.1"), None, "registry.example.com:443/a-b/c_d:v1.2.3-rc.1", "registry.example.com:443/a-b/c_d:v1.2.3-rc.1"),
        ok(format!("alpine:{tag128}"), "docker.io", "library/alpine", Some(&tag128), None, format!("alpine:{tag128}"), format!("docker.io/library/alpine:{tag128}")),
        ok("alpine:Latest_1.0-RC", "docker.io", "library/alpine", Some("Latest_1.0-RC"), None, "alpine:Latest_1.0-RC", "docker.io/library/alpine:Latest_1.0-RC"),
        ok("alpine:_x", "docker.io", "library/alpine", Some("_x"), None, "alpine:_x", "docker.io/library/alpine:_x"),
        ok(format!("sha256:{HEX64}"), "docker.io", "library/sha256", Some(HEX64), None, format!("sha256:{HEX64}"), format!("docker.io/library/sha256:{HEX64}")),
        ok(format!("{HEX64}:latest"), "docker.io", format!("library/{HEX64}"), Some("latest"), None, format!("{HEX64}:latest"), format!("docker.io/library/{HEX64}:latest")),
        ok(format!("a/b@{sha512}"), "docker.io", "a/b", None, Some(&sha512), format!("a/b@{sha512}"), format!("docker.io/a/b@{sha512}")),
        ok(format!("a/b@{sha384}"), "docker.io", "a/b", None, Some(&sha384), format!("a/b@{sha384}"), format!("docker.io/a/b@{sha384}")),
        ok(format!("alpine:3.19@{sha}"), "docker.io", "library/alpine", Some("3.19"), Some(&sha), format!("alpine:3.19@{sha}"), format!("docker.io/library/alpine:3.19@{sha}")),
        ok(format!("ghcr.io/o/a@{sha}"), "ghcr.io", "o/a", None, Some(&sha), format!("ghcr.io/o/a@{sha}"), format!("ghcr.io/o/a@{sha}")),
        ok("  alpine:3 \n", "docker.io", "library/alpine", Some("3"), None, "alpine:3", "docker.io/library/alpine:3"),
        ok(format!("ghcr.io/{path255}"), "ghcr.io", path255.clone(), None, None, format!("ghcr.io/{path255}:latest"), format!("ghcr.io/{path255}:latest")),
        ok(single247.clone(), "docker.io", format!("library/{single247}"), None, None, format!("{single247}:latest"), format!("docker.io/library/{single247}:latest")),
    ];
    assert!(cases.len() >= 40);
    for case in cases {
        let input = case.input.as_str();
        let r = Reference::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(r.registry(), case.registry, "registry of {input:?}");
        assert_eq!(r.repository(), case.repository, "repository of {input:?}");
        assert_eq!(r.tag(), case.tag.as_deref(), "tag of {input:?}");
        assert_eq!(
            r.digest().map(|d| d.to_string()),
            case.digest,
            "digest of {input:?}"
        );
        assert_eq!(r.familiar(), case.familiar, "familiar of {input:?}");
        assert_eq!(r.full(), case.full, "full of {input:?}");
        assert_eq!(r.name(), format!("{}/{}", case.registry, case.repository));
        // Both printed forms must read back as the same image.
        for printed in [r.full(), r.familiar()] {
            let again = Reference::parse(&printed).unwrap_or_else(|e| panic!("{printed:?}: {e}"));
            assert_eq!(again.full(), r.full(), "{input:?} printed as {printed:?}");
        }
    }
}

fn invalid_format() -> ReferenceError {
    ReferenceError::InvalidFormat(String::new())
}

#[test]
fn invalid_references() {
    let upper_hex = HEX64.to_uppercase();
    #[rustfmt::skip]
    let cases: Vec<(String, ReferenceError)> = vec![
        (String::new(), ReferenceError::Empty),
        ("   ".into(), ReferenceError::Empty),
        ("\t\n".into(), ReferenceError::Empty),
        (HEX64.into(), ReferenceError::Invalid64Hex { name: HEX64.into() }),
        (format!(" {HEX64} "), ReferenceError::Invalid64Hex { name: HEX64.into() }),
        ("foo/Bar".into(), ReferenceError::NotLowercase { repository: "foo/Bar".into() }),
        ("Foo".into(), ReferenceError::NotLowercase { repository: "library/Foo".into() }),
        ("Foo:Tag".into(), ReferenceError::NotLowercase { repository: "library/Foo".into() }),
        ("ghcr.io/Org/app".into(), ReferenceError::NotLowercase { repository: "Org/app".into() }),
        (upper_hex.clone(), ReferenceError::NotLowercase { repository: format!("library/{upper_hex}") }),
        (format!("alpine@SHA256:{HEX64}"), ReferenceError::NotLowercase { repository: "library/alpine@SHA256".into() }),
        ("a___b".into(), invalid_format()),
        ("a..b".into(), invalid_format()),
        ("a_.b".into(), invalid_format()),
        ("a-.b".into(), invalid_format()),
        ("a._b".into(), invalid_format()),
        ("-a".into(), invalid_format()),
        ("a-".into(), invalid_format()),
        (".a".into(), invalid_format()),
        ("a_".into(), invalid_format()),
        ("a/".into(), invalid_format()),
        ("/a".into(), invalid_format()),
        ("a//b".into(), invalid_format()),
        ("a b".into(), invalid_format()),
        ("a+b".into(), invalid_format()),
        ("héllo".into(), invalid_format()),
        ("alpine:".into(), invalid_format()),
        ("alpine@".into(), invalid_format()),
        ("alpine:@x".into(), invalid_format()),
        ("alpine@sha256:abc".into(), invalid_format()),
        (format!("alpine@sha256:{HEX64}@x"), invalid_format()),
        (format!("alpine@sha256:{HEX64}/x"), invalid_format()),
        (format!("alpine@1sha:{HEX64}"), invalid_format()),
        (format!("alpine@sha-256:{HEX64}"), invalid_format()),
        ("foo_bar.com/x".into(), invalid_format()),
        ("a_b.c/x".into(), invalid_format()),
        ("localhost:/x".into(), invalid_format()),
        ("localhost:abc/x".into(), invalid_format()),
        ("-host.com/x".into(), invalid_format()),
        ("[::1%eth0]:5000/x".into(), invalid_format()),
        ("[::ffff:1.2.3.4]/x".into(), invalid_format()),
        ("[::1/x".into(), invalid_format()),
        ("[]/x".into(), invalid_format()),
        ("ghcr.io/:tag".into(), invalid_format()),
        ("ghcr.io/".into(), invalid_format()),
        (format!("alpine:{}", "t".repeat(129)), ReferenceError::TagTooLong),
        ("alpine:.tag".into(), ReferenceError::InvalidTag(".tag".into())),
        ("alpine:-tag".into(), ReferenceError::InvalidTag("-tag".into())),
        ("alpine:a+b".into(), ReferenceError::InvalidTag("a+b".into())),
        ("alpine:a:b".into(), ReferenceError::InvalidTag("a:b".into())),
        ("a/b:c/d".into(), ReferenceError::InvalidTag("c/d".into())),
        (format!("alpine@sha256:{upper_hex}"), ReferenceError::InvalidDigest(DigestError::InvalidFormat)),
        (format!("alpine@sha256:{}", &HEX64[1..]), ReferenceError::InvalidDigest(DigestError::InvalidLength)),
        (format!("a/b@sha512:{HEX64}"), ReferenceError::InvalidDigest(DigestError::InvalidLength)),
        (
            format!("alpine@blake3:{HEX64}"),
            ReferenceError::InvalidDigest(DigestError::UnsupportedAlgorithm { algorithm: "blake3".into() }),
        ),
        (
            format!("alpine@md5:{}", &HEX64[..32]),
            ReferenceError::InvalidDigest(DigestError::UnsupportedAlgorithm { algorithm: "md5".into() }),
        ),
        (format!("alpine@sha384:{HEX64}"), ReferenceError::InvalidDigest(DigestError::InvalidLength)),
        (
            format!("alpine:3@SHA256:{HEX64}"),
            ReferenceError::InvalidDigest(DigestError::UnsupportedAlgorithm { algorithm: "SHA256".into() }),
        ),
        ("a".repeat(248), ReferenceError::NameTooLong { len: 256 }),
        (format!("ghcr.io/{}", "a".repeat(256)), ReferenceError::NameTooLong { len: 256 }),
    ];
    for (input, expected) in cases {
        let got = Reference::parse(&input);
        let Err(err) = got else {
            panic!("{input:?} should fail, got {got:?}");
        };
        match expected {
            ReferenceError::InvalidFormat(_) => {
                assert!(
                    matches!(err, ReferenceError::InvalidFormat(_)),
                    "{input:?}: {err:?}"
                );
            }
            expected => assert_eq!(err, expected, "{input:?}"),
        }
    }
}

#[test]
fn error_messages() {
    let long = "a".repeat(300);
    let cases = [
        (
            "foo/Bar",
            "invalid reference format: repository name (foo/Bar) must be lowercase",
        ),
        (
            long.as_str(),
            "repository name must not be more than 255 characters",
        ),
        (
            HEX64,
            "invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef), cannot specify 64-byte hexadecimal strings",
        ),
        (
            "a@sha256:0123456789abcdef0123456789abcdef",
            "invalid checksum digest length",
        ),
    ];
    for (input, message) in cases {
        let err = Reference::parse(input).expect_err(input);
        assert_eq!(err.to_string(), message, "{input:?}");
    }
    let err = Reference::parse("a..b").expect_err("a..b");
    assert!(
        err.to_string().starts_with("invalid reference format: "),
        "{err}"
    );
}

#[test]
fn tags_digests_and_pull_reference() {
    let sha = format!("sha256:{HEX64}");
    let cases: Vec<(String, Option<&str>, String)> = vec![
        ("alpine".into(), Some("latest"), "latest".into()),
        ("alpine:3.19".into(), Some("3.19"), "3.19".into()),
        (format!("alpine@{sha}"), None, sha.clone()),
        (format!("alpine:3.19@{sha}"), None, sha.clone()),
    ];
    for (input, effective, pull) in cases {
        let r = Reference::parse(&input).expect("valid");
        assert_eq!(r.effective_tag(), effective, "{input}");
        assert_eq!(r.pull_reference(), pull, "{input}");
    }
    // Docker pulls by SHA-256, SHA-384 or SHA-512 only; a descriptor may still name another algorithm
    // (shown unverifiable), but a reference may not.
    let refused = Reference::parse("a@md5:0123456789abcdef0123456789abcdef").expect_err("refused");
    assert_eq!(refused.to_string(), "unsupported digest algorithm");
}

#[test]
fn notes() {
    use ReferenceNote::*;
    let sha = format!("sha256:{HEX64}");
    let cases: Vec<(String, Vec<ReferenceNote>)> = vec![
        ("alpine".into(), vec![DefaultTagLatest]),
        ("alpine:3".into(), vec![]),
        (format!("alpine@{sha}"), vec![]),
        (format!("alpine:3@{sha}"), vec![TagIgnoredWithDigest]),
        ("localhost:5000".into(), vec![HostLikeNameOnDockerHub]),
        (
            "localhost".into(),
            vec![HostLikeNameOnDockerHub, DefaultTagLatest],
        ),
        (
            "example.com".into(),
            vec![HostLikeNameOnDockerHub, DefaultTagLatest],
        ),
        ("localhost/foo".into(), vec![DefaultTagLatest]),
        ("Foo/bar:1".into(), vec![UppercaseRegistry]),
        ("Foo.example/bar:1".into(), vec![]),
        ("docker.io/library/localhost:1".into(), vec![]),
        (sha.clone(), vec![DigestLikeName]),
        (format!("sha512:{HEX64}{HEX64}"), vec![DigestLikeName]),
        ("sha256:3.19".into(), vec![]),
        (
            "myapp:0123456789abcdef0123456789abcdef01234567".into(),
            vec![],
        ),
    ];
    for (input, expected) in cases {
        let r = Reference::parse(&input).expect("valid");
        assert_eq!(r.notes(), expected, "{input}");
    }
    for note in [
        TagIgnoredWithDigest,
        DefaultTagLatest,
        HostLikeNameOnDockerHub,
        DigestLikeName,
        UppercaseRegistry,
    ] {
        assert!(note.explain().ends_with('.'));
    }
}

#[test]
fn equality_ignores_spelling() {
    let a = Reference::parse("alpine").expect("valid");
    let b = Reference::parse("index.docker.io/library/alpine").expect("valid");
    assert_eq!(a, b);
    assert_ne!(a, Reference::parse("alpine:latest").expect("valid"));
    assert_eq!(
        "ghcr.io/o/a:1".parse::<Reference>().map(|r| r.to_string()),
        Ok("ghcr.io/o/a:1".to_string())
    );
}

#[test]
fn never_panics_on_odd_input() {
    let inputs = [
        "@",
        ":",
        "/",
        "[",
        "]",
        "[:]",
        "[:]/a",
        "::",
        "@@",
        ":@",
        "a:@",
        "a@:",
        "a@sha256:",
        "\u{212A}/x",
        "é/x",
        "x/\u{0}",
        "[\u{1F600}]/x",
        "localhost:\u{1F600}/x",
        "a:\u{1F600}",
    ];
    for input in inputs {
        let _ = Reference::parse(input);
    }
    assert!(Reference::parse("[:]/a").is_ok());
}
