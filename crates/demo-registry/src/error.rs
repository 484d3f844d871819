//! What can go wrong while the demo layout is built and written: a file that can't be written, or the
//! demo's own definitions disagreeing with each other (a bug here, reported rather than panicking).

/// A failure to build or write the demo layout.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Something the generator did failed: writing a file, encoding a layer, converting a value.
    #[error("{what}: {source}")]
    Failed {
        /// What was being done.
        what: String,
        /// Why it failed.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A layer or document could not be encoded in memory.
    #[error("encoding the demo's bytes: {0}")]
    Encoding(#[from] std::io::Error),
    /// A document could not be written as JSON.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The demo's definitions disagree with each other.
    #[error("{0}")]
    Inconsistent(String),
}

/// The generator's result.
pub type Result<T, E = DemoError> = std::result::Result<T, E>;

/// Says what was being done when a step failed, or what was missing.
pub trait Context<T> {
    /// With a fixed description.
    fn context(self, what: &str) -> Result<T>;
    /// With a description made only on failure.
    fn with_context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for Option<T> {
    fn context(self, what: &str) -> Result<T> {
        self.ok_or_else(|| DemoError::Inconsistent(what.to_owned()))
    }

    fn with_context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.ok_or_else(|| DemoError::Inconsistent(what()))
    }
}

impl<T, E: std::error::Error + Send + Sync + 'static> Context<T> for std::result::Result<T, E> {
    fn context(self, what: &str) -> Result<T> {
        self.with_context(|| what.to_owned())
    }

    fn with_context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| DemoError::Failed {
            what: what(),
            source: Box::new(source),
        })
    }
}

/// Returns an [`DemoError::Inconsistent`] built like `format!`.
macro_rules! bail {
    ($($message:tt)*) => {
        return Err($crate::error::DemoError::Inconsistent(format!($($message)*)))
    };
}

/// [`bail!`] unless the condition holds.
macro_rules! ensure {
    ($condition:expr, $($message:tt)*) => {
        if !$condition {
            $crate::error::bail!($($message)*);
        }
    };
}

pub(crate) use {bail, ensure};
