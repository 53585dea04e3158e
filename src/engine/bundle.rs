//! The rule catalogue: bundled rules embedded at build time, with their metadata
//! parsed and checked against the file layout once per run.

use super::metadata::{self, MetadataError, RuleMeta};

include!(concat!(env!("OUT_DIR"), "/bundled_rules.rs"));

/// A Rego source file: its path (for error messages) and text.
#[derive(Debug, Clone)]
pub struct PolicySource {
    pub path: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub meta: RuleMeta,
    pub source: PolicySource,
    /// A user policy's rule (`--policy`): listed, configured and reported like
    /// a bundled rule, but evaluated by `policy::UserEvaluator`.
    pub user: bool,
}

/// Every rule the run knows, plus the shared libraries they import and the
/// constant tables they read.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub libs: Vec<PolicySource>,
    pub rules: Vec<Rule>,
    /// `rules/data/<name>.json`, available to rules as `data.kubeward.tables.<name>`.
    /// Constants belong here rather than in Rego: regorus recomputes every rule
    /// on each evaluation, so a table written as a Rego rule is rebuilt for every
    /// resource, while data is built once per engine.
    pub tables: Vec<(String, String)>,
    /// For the rules shipped in the binary, the build's digest of them (and of
    /// the regorus release): it keys their RVM programs in the program cache
    /// (`engine::programs`). None for rules read from a directory (never
    /// cached).
    pub digest: Option<u128>,
}

impl Catalog {
    /// The rules shipped in the binary. Their metadata was checked by the test
    /// suite, but a broken build must still fail loudly rather than lint less.
    pub fn bundled() -> Result<Catalog, MetadataError> {
        // Read once per process: a library user linting many times (the
        // fixture tests: one run per fixture) pays for a clone, not a parse.
        static EMBEDDED: std::sync::OnceLock<Result<Catalog, MetadataError>> =
            std::sync::OnceLock::new();
        EMBEDDED
            .get_or_init(|| {
                let files = BUNDLED
                    .iter()
                    .map(|(p, t)| ((*p).to_string(), (*t).to_string()));
                let mut catalog = Catalog::from_files(files)?;
                catalog.digest = Some(BUNDLE_DIGEST);
                Ok(catalog)
            })
            .clone()
    }

    /// The rules of `rules_dir` when given, else the bundled ones. Rule authors
    /// point a built binary at the working tree instead of rebuilding after
    /// every edit (`KUBEWARD_RULES_DIR`, read by the binary; see
    /// CONTRIBUTING.md).
    pub fn load(rules_dir: Option<&std::path::Path>) -> Result<Catalog, MetadataError> {
        match rules_dir {
            Some(dir) => Catalog::from_dir(dir),
            None => Catalog::bundled(),
        }
    }

    /// Reads `<dir>/**/*.rego` (not `*_test.rego`) the way the build embeds it.
    pub fn from_dir(dir: &std::path::Path) -> Result<Catalog, MetadataError> {
        let mut paths = Vec::new();
        let mut dirs = vec![dir.to_path_buf()];
        while let Some(d) = dirs.pop() {
            let entries = std::fs::read_dir(&d).map_err(|e| MetadataError {
                file: d.display().to_string(),
                message: e.to_string(),
            })?;
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if (p.extension().is_some_and(|x| x == "rego")
                    && !p.to_string_lossy().ends_with("_test.rego"))
                    || p.extension().is_some_and(|x| x == "json")
                {
                    paths.push(p);
                }
            }
        }
        paths.sort();
        let mut files = Vec::new();
        for p in paths {
            let text = std::fs::read_to_string(&p).map_err(|e| MetadataError {
                file: p.display().to_string(),
                message: e.to_string(),
            })?;
            let rel = p
                .strip_prefix(dir)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((format!("rules/{rel}"), text));
        }
        Catalog::from_files(files.into_iter())
    }

    fn from_files(files: impl Iterator<Item = (String, String)>) -> Result<Catalog, MetadataError> {
        let mut catalog = Catalog::default();
        for (path, text) in files {
            let source = PolicySource { path, text };
            let (path, text) = (source.path.as_str(), source.text.as_str());
            if let Some(name) = path
                .strip_prefix("rules/data/")
                .and_then(|n| n.strip_suffix(".json"))
            {
                catalog.tables.push((name.to_string(), source.text.clone()));
                continue;
            }
            if path.starts_with("rules/lib/") {
                catalog.libs.push(source);
                continue;
            }
            let meta = metadata::parse(path, text)?;
            check_layout(path, &meta)?;
            catalog.rules.push(Rule {
                meta,
                source,
                user: false,
            });
        }
        catalog.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        if let Some(w) = catalog
            .rules
            .windows(2)
            .find(|w| w[0].meta.id == w[1].meta.id)
        {
            return Err(MetadataError {
                file: w[1].meta.file.clone(),
                message: format!("rule id {} is declared twice", w[1].meta.id),
            });
        }
        super::implied::check(&catalog)
            .map_err(|(file, message)| MetadataError { file, message })?;
        Ok(catalog)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.meta.id == id)
    }
}

/// The id comes from the path and nothing else (`rules/<category>/<name>.rego`),
/// and the package must match it, so the three names cannot drift apart.
fn check_layout(path: &str, meta: &RuleMeta) -> Result<(), MetadataError> {
    let err = |message: String| MetadataError {
        file: path.to_string(),
        message,
    };
    let id_from_path = path
        .strip_prefix("rules/")
        .and_then(|p| p.strip_suffix(".rego"))
        .unwrap_or(path);
    if meta.id != id_from_path {
        return Err(err(format!(
            "custom.id {:?} does not match the file path (expected {:?})",
            meta.id, id_from_path
        )));
    }
    let expected = metadata::expected_package(&meta.id);
    if meta.package != expected {
        return Err(err(format!(
            "package {} does not match the rule id (expected {expected})",
            meta.package
        )));
    }
    Ok(())
}
