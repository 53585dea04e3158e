//! The RVM programs embedded in the binary (`rules/programs.bin`) must be the
//! ones the bundled rules compile to today: a stale file is never used (its
//! keys no longer match), but then one-file runs silently lose their speed.
//! `KUBEWARD_UPDATE_PROGRAMS=1 cargo test --test programs` writes it anew.

use kubeward::engine::{ahead_of_time_programs, programs};

#[test]
fn embedded_programs_are_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(programs::ARTIFACT_PATH);
    let fresh = ahead_of_time_programs().expect("every bundled rule group compiles for the RVM");
    if std::env::var_os("KUBEWARD_UPDATE_PROGRAMS").is_some() {
        std::fs::write(&path, &fresh).expect("write rules/programs.bin");
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
        keys(&fresh),
        "rules/programs.bin is stale: run KUBEWARD_UPDATE_PROGRAMS=1 cargo test --test programs"
    );
    // Same keys, same compiler input: the programs themselves must match too
    // (regorus serialises deterministically).
    assert!(
        committed == fresh,
        "rules/programs.bin differs from a fresh compile"
    );
}
