//! Running a child process (helm) contained: its own process group, killed as a
//! whole; a deadline on the whole interaction (running *and* reading its
//! output); stdout capped, stderr kept only up to a cap. A helm binary, or
//! something it starts, must never hang, flood or outlive a kubeward run.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::{Duration, Instant};

/// How much of stderr is kept; the rest is read and counted, so the child
/// never blocks on a full pipe, but no message grows with it.
pub const STDERR_KEPT: usize = 64 << 10;

/// After the child exits, how long its pipes may stay open: a process it left
/// behind can hold them open for ever, and the output the child wrote before
/// exiting is read in far less than this.
const GRACE: Duration = Duration::from_secs(2);

/// How often the child is polled while its pipes are quiet.
const POLL: Duration = Duration::from_millis(10);

/// What a run may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub timeout: Duration,
    pub max_stdout: u64,
}

/// A child that exited and closed its pipes in time.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    /// The first `STDERR_KEPT` bytes of stderr.
    pub stderr: Vec<u8>,
    /// Bytes of stderr read past `STDERR_KEPT` and not kept.
    pub stderr_dropped: u64,
}

/// Why a run was stopped (its process group is killed in every case).
#[derive(Debug)]
pub enum Stopped {
    /// The child could not be started.
    Spawn(std::io::Error),
    /// Still running at the deadline.
    Timeout,
    /// It wrote more than `max_stdout` bytes to stdout.
    StdoutTooBig,
    /// It exited, but its pipes stayed open even after its group was killed: a
    /// process it started left the group and holds them.
    PipesHeld,
    /// Waiting for it failed.
    Wait(std::io::Error),
}

/// Runs `cmd` (stdin closed, stdout and stderr captured) within `bounds`.
pub fn run(cmd: &mut Command, bounds: Bounds) -> Result<Finished, Stopped> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // Its own group, so that whatever it starts can be killed with it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(cmd, 0);
    let mut child = cmd.spawn().map_err(Stopped::Spawn)?;
    let result = supervise(&mut child, bounds);
    // Even after a clean run: nothing it started outlives it.
    kill_group(&mut child);
    // Reap it, so no zombie is left (it already was unless it was stopped).
    let _ = child.wait();
    result
}

/// Reads the child's pipes until it exited and closed them, or a bound is hit.
fn supervise(child: &mut Child, bounds: Bounds) -> Result<Finished, Stopped> {
    let deadline = Instant::now() + bounds.timeout;
    let (tx, rx) = mpsc::sync_channel(8);
    let mut streams = Streams::new(bounds.max_stdout);
    if let Some(out) = child.stdout.take() {
        pump(out, Pipe::Out, tx.clone()).map_err(Stopped::Wait)?;
        streams.open += 1;
    }
    if let Some(err) = child.stderr.take() {
        pump(err, Pipe::Err, tx).map_err(Stopped::Wait)?;
        streams.open += 1;
    }
    let mut status = None;
    let mut limit = deadline;
    loop {
        let now = Instant::now();
        if now >= limit {
            break;
        }
        if streams.closed() {
            // Nothing left to read: only the child is waited for.
            std::thread::sleep(POLL.min(limit - now));
        } else {
            streams.receive(&rx, (now + POLL).min(limit))?;
        }
        if status.is_none() {
            status = child.try_wait().map_err(Stopped::Wait)?;
            if status.is_some() {
                limit = (Instant::now() + GRACE).min(deadline);
            }
        }
        if let Some(status) = status.filter(|_| streams.closed()) {
            return Ok(streams.finish(status));
        }
    }
    let Some(status) = status else {
        return Err(Stopped::Timeout);
    };
    // It exited but something still holds its pipes: kill the group, then the
    // pipes close unless the holder left the group.
    kill_group(child);
    streams.receive(&rx, Instant::now() + GRACE)?;
    if streams.closed() {
        Ok(streams.finish(status))
    } else {
        // The reader threads stay blocked on the held pipes and end when they
        // close; no one waits for them.
        Err(Stopped::PipesHeld)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pipe {
    Out,
    Err,
}

/// What a reader thread sends: a chunk of its pipe, then the pipe's end.
enum Event {
    Data(Pipe, Vec<u8>),
    End,
}

/// Reads `pipe` on a thread of its own, so that the deadline holds even while
/// a read blocks. The bounded channel makes the reader wait for the consumer;
/// once the consumer is gone the reader stops at its next chunk.
fn pump(
    mut pipe: impl Read + Send + 'static,
    which: Pipe,
    tx: SyncSender<Event>,
) -> std::io::Result<()> {
    std::thread::Builder::new()
        .name("helm-pipe".into())
        .spawn(move || {
            let mut buf = vec![0u8; 64 << 10];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let chunk = buf.get(..n).unwrap_or_default().to_vec();
                        if tx.send(Event::Data(which, chunk)).is_err() {
                            return;
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            let _ = tx.send(Event::End);
        })
        .map(drop)
}

/// What has been read so far.
struct Streams {
    max_stdout: u64,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    stderr_dropped: u64,
    /// Pipes not yet at end of file.
    open: usize,
}

impl Streams {
    fn new(max_stdout: u64) -> Self {
        Streams {
            max_stdout,
            stdout: Vec::new(),
            stderr: Vec::new(),
            stderr_dropped: 0,
            open: 0,
        }
    }

    fn closed(&self) -> bool {
        self.open == 0
    }

    /// Takes what the readers send until `until`, or until both pipes closed.
    fn receive(&mut self, rx: &Receiver<Event>, until: Instant) -> Result<(), Stopped> {
        while !self.closed() {
            let left = until.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(event) => self.take(event)?,
                Err(RecvTimeoutError::Timeout) => return Ok(()),
                // Every reader says End before it goes; gone without it, it has
                // nothing more to say.
                Err(RecvTimeoutError::Disconnected) => self.open = 0,
            }
        }
        Ok(())
    }

    fn take(&mut self, event: Event) -> Result<(), Stopped> {
        match event {
            Event::Data(Pipe::Out, chunk) => {
                let total = self.stdout.len() as u64 + chunk.len() as u64;
                if total > self.max_stdout {
                    return Err(Stopped::StdoutTooBig);
                }
                self.stdout.extend_from_slice(&chunk);
            }
            Event::Data(Pipe::Err, chunk) => {
                let room = STDERR_KEPT.saturating_sub(self.stderr.len());
                let (kept, dropped) = chunk.split_at(room.min(chunk.len()));
                self.stderr.extend_from_slice(kept);
                self.stderr_dropped += dropped.len() as u64;
            }
            Event::End => self.open = self.open.saturating_sub(1),
        }
        Ok(())
    }

    fn finish(self, status: ExitStatus) -> Finished {
        Finished {
            status,
            stdout: self.stdout,
            stderr: self.stderr,
            stderr_dropped: self.stderr_dropped,
        }
    }
}

/// Kills the child's process group: the child and everything it started that
/// did not leave the group.
#[cfg(unix)]
fn kill_group(child: &mut Child) {
    // kill(2) from the C library std already links; declared here rather than
    // adding the libc crate for one call.
    extern "C" {
        fn kill(pid: i32, sig: i32) -> i32;
    }
    const SIGKILL: i32 = 9;
    // The group's id is the child's pid (process_group(0)). 0 and 1 can never
    // be a child's pid, and kill(-1) would signal every process we may signal.
    match i32::try_from(child.id()) {
        Ok(pgid) if pgid > 1 => {
            // SAFETY: kill takes two integers and touches no memory of ours.
            unsafe {
                kill(-pgid, SIGKILL);
            }
        }
        _ => {
            let _ = child.kill();
        }
    }
}

/// Without process groups, only the child itself can be killed.
#[cfg(not(unix))]
fn kill_group(child: &mut Child) {
    let _ = child.kill();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn streams() -> Streams {
        let mut s = Streams::new(10);
        s.open = 2;
        s
    }

    #[test]
    fn stderr_is_kept_up_to_the_cap_and_the_rest_counted() {
        let mut s = streams();
        let chunk = vec![b'x'; STDERR_KEPT - 1];
        s.take(Event::Data(Pipe::Err, chunk))
            .expect("stderr never stops a run");
        s.take(Event::Data(Pipe::Err, b"abc".to_vec()))
            .expect("still");
        assert_eq!(s.stderr.len(), STDERR_KEPT);
        assert_eq!(s.stderr.last(), Some(&b'a'));
        assert_eq!(s.stderr_dropped, 2);
    }

    #[test]
    fn stdout_past_its_cap_stops_the_run() {
        let mut s = streams();
        assert!(s.take(Event::Data(Pipe::Out, vec![b'x'; 10])).is_ok());
        assert!(matches!(
            s.take(Event::Data(Pipe::Out, vec![b'x'])),
            Err(Stopped::StdoutTooBig)
        ));
    }
}
