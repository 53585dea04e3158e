//! The RVM programs embedded in the binary (`rules/programs.bin`) must be the
//! ones the bundled rules compile to today: a stale file is never used (its
//! keys no longer match), but then one-file runs silently lose their speed.
//! `KUBEWARD_UPDATE_PROGRAMS=1 cargo test --test programs` writes it anew.

use kubeward::engine::{ahead_of_time_programs, programs};

/// The programs the bundled rules compile to now (compiled once for both tests).
fn fresh() -> &'static [u8] {
    static FRESH: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    FRESH.get_or_init(|| {
        ahead_of_time_programs().expect("every bundled rule group compiles for the RVM")
    })
}

#[test]
fn embedded_programs_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(programs::ARTIFACT_PATH);
    let fresh = fresh();
    if std::env::var_os("KUBEWARD_UPDATE_PROGRAMS").is_some() {
        std::fs::write(&path, fresh).expect("write rules/programs.bin");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    let keys = |data: &[u8]| {
        let mut k: Vec<u128> = programs::decode(data)
            .expect("well-formed")
            .into_keys()
            .collect();
        k.sort_unstable();
        k
    };
    assert_eq!(
        keys(&committed),
        keys(fresh),
        "rules/programs.bin is stale: run KUBEWARD_UPDATE_PROGRAMS=1 cargo test --test programs"
    );
    // Same keys, same compiler input: the programs themselves must match too
    // (regorus serialises deterministically).
    assert!(
        committed == fresh,
        "rules/programs.bin differs from a fresh compile"
    );
}

/// A rule of a library referenced through its import alias (`pods.spec`)
/// compiles to a lookup of the whole package, which the RVM assembles from all
/// of the package's rules on every use: it was a third of bulk's CPU. Library
/// rules are referenced by their full path (`data.kubeward.lib.pods.spec`);
/// functions (`k8s.quote(x)`) are called through the alias.
#[test]
fn no_program_looks_up_a_whole_package() {
    use regorus::rvm::instructions::LiteralOrRegister;
    use regorus::rvm::program::{DeserializationResult, Program};
    let data = fresh();
    let index = programs::decode(data).expect("well-formed");
    assert!(!index.is_empty());
    let mut found = std::collections::BTreeSet::new();
    for range in index.into_values() {
        let program = match Program::deserialize_binary(&data[range]).expect("deserialises") {
            DeserializationResult::Complete(p) | DeserializationResult::Partial(p) => p,
        };
        for lookup in &program.instruction_data.virtual_data_document_lookup_params {
            let path: Vec<String> = lookup
                .path_components
                .iter()
                .map(|c| match c {
                    LiteralOrRegister::Literal(i) => program
                        .literals
                        .get(usize::from(*i))
                        .map_or_else(String::new, |v| v.to_string()),
                    LiteralOrRegister::Register(_) => "<expr>".to_string(),
                })
                .collect();
            found.insert(path.join("."));
        }
    }
    assert!(
        found.is_empty(),
        "whole-package lookups (reference these rules by their full data.* path): {found:?}"
    );
}
