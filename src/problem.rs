//! The one notice type of every stage: what is reported beside the findings.

/// A problem that is not a finding: an unreadable file, a skipped symlink
/// loop, a constraint without a template, a config naming an unknown rule.
/// The one notice type of every stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The path (or `path:line:column`) it is about, as shown to the user.
    pub path: String,
    pub message: String,
    /// Errors make the run exit 2; the other files are still linted.
    pub is_error: bool,
}

impl Problem {
    /// A problem that makes the run exit 2.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
            is_error: true,
        }
    }

    /// A problem that is only reported.
    pub fn note(path: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            path: path.into(),
            message: message.into(),
            is_error: false,
        }
    }
}
