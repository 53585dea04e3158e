//! Kubernetes versions: the newest one the bundled rules know, and parsing
//! `1.29` / `v1.29` from flags, configs and fixture headers.

/// The newest Kubernetes minor version the bundled rules know (RULES.md).
pub const DEFAULT_KUBE_VERSION: (u32, u32) = (1, 35);

/// Parses `1.29` / `v1.29` into (major, minor); only Kubernetes 1.x exists.
pub fn parse_kube_version(s: &str) -> Result<(u32, u32), String> {
    let t = s.trim().trim_start_matches('v');
    let mut parts = t.split('.');
    let major = parts.next().and_then(|p| p.parse::<u32>().ok());
    let minor = parts.next().and_then(|p| p.parse::<u32>().ok());
    // A patch version (`1.29.3`) is accepted and ignored.
    let patch_ok = parts.next().is_none_or(|p| p.parse::<u32>().is_ok()) && parts.next().is_none();
    match (major, minor) {
        (Some(1), Some(minor)) if patch_ok && minor <= 99 => Ok((1, minor)),
        _ => Err(format!(
            "expected a Kubernetes version like 1.{}, got {s:?}",
            DEFAULT_KUBE_VERSION.1
        )),
    }
}
