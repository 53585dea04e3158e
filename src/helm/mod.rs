//! Helm charts. A directory holding `Chart.yaml` is a chart, not a pile of YAML:
//! its `templates/` are Go templates, so the chart is rendered with `helm
//! template` (never `helm dependency update`: no network) and the rendered stream
//! is linted like any other, each document attributed to the template named by
//! its `# Source:` comment. Without a helm binary the chart yields one
//! `helm/not-rendered` finding. Chart.yaml itself is checked here too.

pub mod attribution;
pub mod chart;
pub mod checks;
pub mod load;
pub mod namespace;
pub mod process;
pub mod render;
pub mod values;

use std::path::PathBuf;

/// Helm options of a run (`--helm-bin`, `-f/--values`, `--set`, `--release-name`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HelmSettings {
    /// The helm binary; None = `helm` in `search_path`.
    pub bin: Option<PathBuf>,
    /// The directories a bare `helm` (or a bare `--helm-bin` name) is looked
    /// up in, as `PATH` spells them: the binary passes its `PATH` (the library
    /// reads no environment variable); None finds no helm there.
    pub search_path: Option<std::ffi::OsString>,
    /// `--no-helm`: never render charts (each yields `helm/not-rendered`), for
    /// pre-commit hooks that must stay instant.
    pub no_render: bool,
    /// Values files given on the command line, lowest priority first.
    pub values: Vec<PathBuf>,
    pub set: Vec<String>,
    pub release_name: Option<String>,
    /// How long one render may take; None = `render::RENDER_TIMEOUT`. Not a
    /// flag: tests shorten it.
    pub render_timeout: Option<std::time::Duration>,
}

/// `helm template`'s default release name.
pub const DEFAULT_RELEASE_NAME: &str = "release-name";

/// How a chart was rendered, kept with the rendered stream so findings can point
/// back at templates and values files on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendering {
    /// The chart directory as given or discovered.
    pub chart_dir: PathBuf,
    /// `name` from Chart.yaml: the first component of every `# Source:` path.
    pub chart_name: String,
    /// The values files the render used, lowest priority first (the chart's own
    /// `values.yaml`, then `-f` files in order).
    pub values: Vec<PathBuf>,
    /// The release namespace it was rendered for, when one was given. None:
    /// unknown (kubeward rendered it in `namespace::UNKNOWN`, which it then
    /// treats as no namespace at all).
    pub namespace: Option<String>,
}
