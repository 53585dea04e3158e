//! `kubeward render PATH`: what kubeward builds for a path, printed. For a
//! kustomization directory, its native build (`kubeward::kustomize`) as
//! `kustomize build` prints it, optionally with each value's origin as a
//! comment (`--provenance`). A preview: lint runs do not use the build yet.
//! Problems go to stderr as `file:line:column: id: message`; any makes the
//! exit code 1.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use kubeward::kustomize;
use kubeward::report;

use crate::cli::RenderFormat;

pub fn run(
    path: &Path,
    format: RenderFormat,
    provenance: bool,
    root: Option<&Path>,
) -> Result<ExitCode, Box<dyn std::error::Error>> {
    if !path.is_dir() {
        return Err(format!(
            "{}: not a directory; `kubeward render` builds a directory holding a kustomization",
            path.display()
        )
        .into());
    }
    let opts = kustomize::Options {
        root: root.map(Path::to_path_buf),
        ..kustomize::Options::default()
    };
    let build = kustomize::build(path, &opts);
    let text = match format {
        RenderFormat::Yaml if provenance => kustomize::emit::yaml_with_provenance(&build),
        RenderFormat::Yaml => kustomize::emit::yaml(&build.documents, None),
        RenderFormat::Json => kustomize::emit::json(&build.documents) + "\n",
    };
    let mut err = io::stderr().lock();
    for p in &build.problems {
        let at =
            p.at.map_or_else(|| path.display().to_string(), |o| build.describe(o));
        let line = format!("{at}: {}: {}\n", p.id, p.message);
        let _ = err.write_all(report::escape::block(&line).as_bytes());
    }
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
        _ => {}
    }
    Ok(if build.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
