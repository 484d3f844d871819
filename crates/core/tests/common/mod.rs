//! What the integration tests share: where the shared real-world corpus is.

use std::path::{Path, PathBuf};

/// `<workspace>/../shared/corpus/real-world`, when present. Absent is a failure in CI (`CI=true`) and a
/// printed skip elsewhere.
pub fn corpus_dir() -> Option<PathBuf> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let corpus = workspace.join("../shared/corpus/real-world");
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
