//! A tiny work-sharing map over scoped threads: items are claimed through an
//! atomic counter so uneven files balance, each worker builds its own state once
//! (for evaluation: its own regorus engine), and results keep input order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Worker stacks are generous: deeply nested documents recurse when converted.
const STACK: usize = 64 * 1024 * 1024;

pub fn threads_for(items: usize, per_thread_min: usize, max: usize) -> usize {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let cap = if max == 0 { cpus } else { max };
    cap.min(items.div_ceil(per_thread_min.max(1))).max(1)
}

/// Maps `f` over `items` on `threads` workers. `init` builds per-worker state;
/// when it fails the error is returned and no result is produced.
pub fn map<T, R, S, E>(
    items: &[T],
    threads: usize,
    init: impl Fn() -> Result<S, E> + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Result<Vec<R>, E>
where
    T: Sync,
    R: Send,
    E: Send,
{
    if threads <= 1 || items.len() <= 1 {
        // Still on a worker with the big stack: the calling thread's (8 MiB for
        // main) overflows on documents near the configurable depth ceiling.
        let run = || -> Result<Vec<R>, E> {
            let mut state = init()?;
            Ok(items.iter().map(|t| f(&mut state, t)).collect())
        };
        return std::thread::scope(|scope| {
            match std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(scope, run)
            {
                Ok(worker) => worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: the caller's stack still serves every
                // document within the default depth limit.
                Err(_) => run(),
            }
        });
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, R)>> = Mutex::new(Vec::with_capacity(items.len()));
    let error: Mutex<Option<E>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let spawned = std::thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(scope, || {
                    let mut state = match init() {
                        Ok(s) => s,
                        Err(e) => {
                            if let Ok(mut slot) = error.lock() {
                                slot.get_or_insert(e);
                            }
                            return;
                        }
                    };
                    let mut local = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        local.push((i, f(&mut state, item)));
                    }
                    if let Ok(mut all) = results.lock() {
                        all.extend(local);
                    }
                });
            // Spawning can only fail when the OS refuses a thread; the other
            // workers (or the fallback below) still cover every item.
            drop(spawned);
        }
    });
    if let Some(e) = error.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut all = results.into_inner().unwrap_or_default();
    if all.len() < items.len() {
        // Some worker could not be spawned; finish the missing items here.
        let done: std::collections::HashSet<usize> = all.iter().map(|(i, _)| *i).collect();
        let mut state = init()?;
        for (i, item) in items.iter().enumerate() {
            if !done.contains(&i) {
                all.push((i, f(&mut state, item)));
            }
        }
    }
    all.sort_by_key(|(i, _)| *i);
    Ok(all.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order_across_threads() {
        let items: Vec<usize> = (0..1000).collect();
        let out = super::map(
            &items,
            4,
            || Ok::<_, ()>(0usize),
            |count, x| {
                *count += 1;
                x * 2
            },
        )
        .expect("no init error");
        assert_eq!(out, items.iter().map(|x| x * 2).collect::<Vec<_>>());
    }
}
