//! The input limits a run enforces (docs/limits.md): file size, nesting depth and
//! alias expansion. They protect the linter itself, not policy: no hand-written
//! manifest comes near them. Each can be set by a CLI flag or the config's
//! `limits:` section; unset ones take the defaults below.

use crate::yaml;

/// Files above this size are not parsed (a `yaml/syntax` finding says so): a
/// manifest this big is almost certainly generated data, and its tree costs
/// several times its size in memory.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 << 20;

/// The deepest nesting that may be configured. go-yaml (and so Kubernetes) refuses
/// deeper documents anyway, and every consumer of the tree recurses once per level:
/// worker threads get stacks sized for this (parallel.rs).
pub const MAX_DEPTH_CEILING: usize = 10_000;

/// Limits as requested; `None` = not set here (the next source, then the default,
/// applies). CLI flags override the config's `limits:`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: Option<u64>,
    pub max_depth: Option<usize>,
    pub max_alias_nodes: Option<u64>,
    pub max_alias_bytes: Option<u64>,
}

impl Limits {
    /// These limits, with unset ones taken from `fallback`.
    pub fn or(&self, fallback: &Limits) -> Limits {
        Limits {
            max_file_bytes: self.max_file_bytes.or(fallback.max_file_bytes),
            max_depth: self.max_depth.or(fallback.max_depth),
            max_alias_nodes: self.max_alias_nodes.or(fallback.max_alias_nodes),
            max_alias_bytes: self.max_alias_bytes.or(fallback.max_alias_bytes),
        }
    }

    pub fn file_bytes(&self) -> u64 {
        self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES)
    }

    /// The loader's per-document limits.
    pub fn yaml(&self) -> yaml::Limits {
        let d = yaml::Limits::default();
        yaml::Limits {
            max_depth: self.max_depth.unwrap_or(d.max_depth),
            max_alias_nodes: self.max_alias_nodes.unwrap_or(d.max_alias_nodes),
            max_alias_bytes: self.max_alias_bytes.unwrap_or(d.max_alias_bytes),
        }
    }
}

/// Checks a configured depth (0 would reject every mapping).
pub fn check_depth(depth: u64) -> Result<usize, String> {
    match usize::try_from(depth) {
        Ok(d) if (1..=MAX_DEPTH_CEILING).contains(&d) => Ok(d),
        _ => Err(format!(
            "max-depth must be between 1 and {MAX_DEPTH_CEILING}, not {depth}"
        )),
    }
}

/// Parses a size: bytes, or a number with a K, M or G suffix (powers of 1024;
/// `KiB`, `KB` and `k` all mean 1024): `4096`, `512K`, `100MiB`, `1G`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(digits);
    let bad = || format!("expected a size like 4096, 512K, 100MiB or 1G, got {s:?}");
    let n: u64 = num.parse().map_err(|_| bad())?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => return Err(bad()),
    };
    n.checked_mul(1 << shift).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("100MiB"), Ok(100 << 20));
        assert_eq!(parse_size("1 GB"), Ok(1 << 30));
        assert!(parse_size("1.5M").is_err());
        assert!(parse_size("M").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert!(parse_size("10T").is_err());
    }

    #[test]
    fn cli_over_config_over_default() {
        let cli = Limits {
            max_depth: Some(50),
            ..Limits::default()
        };
        let config = Limits {
            max_depth: Some(20),
            max_file_bytes: Some(1024),
            ..Limits::default()
        };
        let l = cli.or(&config);
        assert_eq!(l.yaml().max_depth, 50);
        assert_eq!(l.file_bytes(), 1024);
        assert_eq!(
            l.yaml().max_alias_nodes,
            yaml::Limits::default().max_alias_nodes
        );
        assert_eq!(Limits::default().file_bytes(), DEFAULT_MAX_FILE_BYTES);
        assert!(check_depth(0).is_err());
        assert!(check_depth(10_001).is_err());
        assert_eq!(check_depth(10_000), Ok(10_000));
    }
}
