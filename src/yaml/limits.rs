//! Resource limits for one document. go-yaml's own alias-ratio rule is always applied
//! (it decides what Kubernetes accepts); these are kubeward's additional hard caps,
//! which protect the linter itself and no real manifest comes near.

/// Caps applied to each document. `Limits::default()` is what `load` uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of sequences and mappings (aliases count with the depth of
    /// what they expand to). go-yaml allows 10,000 levels; the default is lower because
    /// every consumer of the tree (the engine's value conversion, `to_json`, even
    /// dropping a `Node`) recurses once per level, and ~6,000 levels already overflow
    /// a 2 MiB thread stack in a debug build. Deeper documents get a `yaml/syntax`
    /// issue "document is nested too deeply". Raise it only with a larger stack.
    pub max_depth: usize,
    /// Nodes (values and keys) copied by alias expansion in one document.
    pub max_alias_nodes: u64,
    /// Bytes of key and scalar text copied by alias expansion in one document. go-yaml
    /// shares strings, we copy them, so a large anchored string repeated many times is
    /// bounded here.
    pub max_alias_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 1_000,
            max_alias_nodes: 10_000_000,
            max_alias_bytes: 64 << 20,
        }
    }
}
