//! Where the shared real-world corpus is (`<workspace>/../shared/corpus/real-world`), and what its absence
//! means: a failure in CI (`CI=true`), a printed skip elsewhere.

use std::path::{Path, PathBuf};

/// Where the corpus is expected, whether or not it is there.
pub fn real_world_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/real-world")
}

/// The corpus when present. Absent, it panics in CI and prints a skip elsewhere.
pub fn corpus_dir() -> Option<PathBuf> {
    let corpus = real_world_dir();
    if corpus.is_dir() {
        return Some(corpus);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "the shared corpus must be present in CI (looked at {})",
        corpus.display()
    );
    println!("corpus absent at {}: skipped", corpus.display());
    None
}
