//! The parser front end as a small trait, so the tree builder does not depend on
//! libyaml-safer: the YAML adapter (`libyaml.rs`) and the JSON stream tokenizer
//! (`json.rs`) both produce these events, and another YAML parser (saphyr-parser, per
//! K8S-YAML.md) could be slotted in behind the same trait.
//!
//! Offsets are byte offsets into the whole file, already shifted by the chunk start.

use super::Span;

/// One parse event: what libyaml's event stream carries, minus what go-yaml ignores
/// (styles other than "plain", directives, encodings).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Event {
    pub kind: EventKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum EventKind {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        /// The resolved tag (`tag:yaml.org,2002:str` for `!!str`, `!foo` as written).
        tag: Option<String>,
        value: String,
        /// libyaml's `plain_implicit`: plain and untagged, or tagged with `!`.
        implicit: bool,
    },
    SequenceStart {
        anchor: Option<String>,
        flow: bool,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
        flow: bool,
    },
    MappingEnd,
}

/// A syntax error from the parser, located at the parser's problem position.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub at: usize,
}

/// A source of events for one stream (one `---` chunk, or a whole JSON stream).
/// After an error or `StreamEnd` it must not be called again.
pub(crate) trait EventSource {
    fn next_event(&mut self) -> Result<Event, SyntaxError>;
}
