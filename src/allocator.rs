//! The global allocator. mimalloc instead of the system allocator: regorus
//! allocates heavily while it parses and prepares the rules, and with glibc's
//! malloc, heap growth and page faults were a fifth of a one-file run
//! (docs/performance.md). For runs over directories it is tuned to hand memory
//! back, which keeps a corpus run's peak RSS at glibc's level.

#[global_allocator]
pub static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's own option setter (`mi_option_set` in mimalloc.h, v2, which
// libmimalloc-sys builds by default); its Rust binding needs a feature that
// pulls in another crate, so it is declared here.
extern "C" {
    fn mi_option_set(option: std::os::raw::c_int, value: std::os::raw::c_long);
}
/// `mi_option_arena_eager_commit` and `mi_option_purge_delay` (positions in
/// mimalloc v2's `mi_option_e`).
const MI_OPTION_ARENA_EAGER_COMMIT: std::os::raw::c_int = 4;
const MI_OPTION_PURGE_DELAY: std::os::raw::c_int = 15;

/// Hands freed memory back to the system for runs over a directory. mimalloc
/// by default commits its arenas eagerly and purges after a delay, which on
/// bulk held ~90 MB more than glibc's malloc (375 vs 284 MB peak RSS with
/// these two settings, docs/performance.md); but the settings cost a one-file
/// run ~6 ms (28 -> 34 ms), as pages are then committed one by one. So they
/// apply only when an argument names a directory (the corpus case); option
/// values that are not directories, `-` and single files leave mimalloc's
/// defaults. An explicit `MIMALLOC_*` environment variable still wins.
///
/// # Safety
/// `argv` must hold `argc` valid C strings (as the ELF loader passes them).
#[cfg(target_os = "linux")]
unsafe fn tune_allocator(argc: std::os::raw::c_int, argv: *const *const std::os::raw::c_char) {
    use std::ffi::{CStr, OsStr};
    use std::os::unix::ffi::OsStrExt;
    if argv.is_null() {
        return;
    }
    let names_directory = (1..usize::try_from(argc).unwrap_or(0)).any(|i| {
        // SAFETY: the loader's argv has argc entries, each a C string.
        let arg = unsafe { *argv.add(i) };
        !arg.is_null() && {
            let arg = unsafe { CStr::from_ptr(arg) };
            std::path::Path::new(OsStr::from_bytes(arg.to_bytes())).is_dir()
        }
    });
    if !names_directory {
        return;
    }
    let unset = |name: &str| std::env::var_os(name).is_none();
    // SAFETY: mi_option_set only stores an integer in mimalloc's option table.
    unsafe {
        if unset("MIMALLOC_ARENA_EAGER_COMMIT") {
            mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        }
        if unset("MIMALLOC_PURGE_DELAY") {
            mi_option_set(MI_OPTION_PURGE_DELAY, 0);
        }
    }
}

/// Runs `tune_allocator` among the ELF constructors, before the Rust runtime's
/// first allocation: mimalloc reserves its first arena then, and an option set
/// in `main` would come too late for it (measured: 333 instead of 284 MB).
#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array.00098")]
static TUNE_ALLOCATOR: unsafe extern "C" fn(
    std::os::raw::c_int,
    *const *const std::os::raw::c_char,
) = {
    unsafe extern "C" fn tune(argc: std::os::raw::c_int, argv: *const *const std::os::raw::c_char) {
        // SAFETY: glibc passes the process' argc and argv to constructors.
        unsafe { tune_allocator(argc, argv) }
    }
    tune
};
