//! Findings: what a lenient reader noticed about a document that still rendered.

/// How much a finding matters.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    /// Breaks the spec; tools may refuse the document.
    Error,
    /// Legal but surprising, or likely to confuse a tool.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// Lowercase name, as the page and `data-severity` show it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One thing noticed about a document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// How much it matters.
    pub severity: Severity,
    /// One sentence in plain words.
    pub message: String,
}

impl Finding {
    /// A finding of the given severity.
    pub fn new(severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            severity,
            message: message.into(),
        }
    }
}
