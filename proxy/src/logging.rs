//! The log writer: stderr, with the per-request `info` lines written in batches.
//!
//! Every forwarded call logs one `info` line. Written one by one, each of those lines is a
//! `write` system call to stderr under its lock, about 15% of the proxy's throughput under
//! load. [`BatchedStderr`] keeps such lines in memory and writes them together: when 16 KiB
//! have gathered, at the latest every 100 ms (a background thread), before any line that is
//! written at once, and when the process exits (the returned [`FlushGuard`], and a panic
//! hook). Lines keep their order.
//!
//! Written at once, with everything gathered before them: the audit events (target
//! [`crate::audit::AUDIT_TARGET`]), every `warn` and `error` event, and everything when stderr
//! is a terminal. So a restore's audit line is on stderr before the response goes back to
//! the client; what a hard kill (SIGKILL, OOM) can lose is at most the last 100 ms of
//! `info`/`debug` lines.

use crate::audit::AUDIT_TARGET;
use std::io::{self, Write};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tracing::{Level, Metadata};
use tracing_subscriber::fmt::MakeWriter;

/// Gathered lines are written once they reach this size.
pub const BATCH_BYTES: usize = 16 * 1024;

/// Gathered lines are written at least this often.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(100);

struct Shared {
    pending: Mutex<Pending>,
}

struct Pending {
    buffer: Vec<u8>,
    sink: Box<dyn Write + Send>,
}

impl Pending {
    fn write_out(&mut self) {
        if !self.buffer.is_empty() {
            // Like the plain stderr writer: nothing useful can be done if stderr fails.
            let _ = self.sink.write_all(&self.buffer);
            let _ = self.sink.flush();
            self.buffer.clear();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A `MakeWriter` for `tracing_subscriber::fmt` (see the module documentation).
#[derive(Clone)]
pub struct BatchedStderr {
    shared: Arc<Shared>,
    /// Write everything at once (stderr is a terminal).
    immediate: bool,
}

/// Writes out the gathered lines when dropped (keep it alive in `main`).
pub struct FlushGuard(Arc<Shared>);

impl Drop for FlushGuard {
    fn drop(&mut self) {
        self.0.lock().write_out();
    }
}

impl BatchedStderr {
    /// The writer for stderr, its flush thread and panic hook, and the guard that writes the
    /// rest at exit. `immediate` turns batching off (e.g. when stderr is a terminal).
    pub fn stderr(immediate: bool) -> (Self, FlushGuard) {
        let (writer, guard) = Self::new(Box::new(io::stderr()), immediate);
        let weak = Arc::downgrade(&writer.shared);
        let _ = std::thread::Builder::new()
            .name("log-flush".into())
            .spawn(move || {
                while let Some(shared) = weak.upgrade() {
                    shared.lock().write_out();
                    drop(shared);
                    std::thread::sleep(FLUSH_INTERVAL);
                }
            });
        let shared = writer.shared.clone();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // try_lock: a panic while the lock is held must not deadlock here.
            if let Ok(mut pending) = shared.pending.try_lock() {
                pending.write_out();
            }
            previous(info);
        }));
        (writer, guard)
    }

    /// A writer into any sink, without the flush thread (tests).
    pub fn new(sink: Box<dyn Write + Send>, immediate: bool) -> (Self, FlushGuard) {
        let shared = Arc::new(Shared {
            pending: Mutex::new(Pending {
                buffer: Vec::with_capacity(BATCH_BYTES + 1024),
                sink,
            }),
        });
        (
            BatchedStderr {
                shared: shared.clone(),
                immediate,
            },
            FlushGuard(shared),
        )
    }

    /// Writes out whatever has gathered.
    pub fn flush_now(&self) {
        self.shared.lock().write_out();
    }
}

/// Whether an event's line is written at once rather than batched.
pub fn is_immediate(metadata: &Metadata<'_>) -> bool {
    *metadata.level() <= Level::WARN || metadata.target() == AUDIT_TARGET
}

/// The writer for one event's line.
pub struct LineWriter<'a> {
    shared: &'a Shared,
    immediate: bool,
}

impl Write for LineWriter<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let mut pending = self.shared.lock();
        pending.buffer.extend_from_slice(data);
        if self.immediate || pending.buffer.len() >= BATCH_BYTES {
            pending.write_out();
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.immediate {
            self.shared.lock().write_out();
        }
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedStderr {
    type Writer = LineWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
            immediate: true,
        }
    }

    fn make_writer_for(&'a self, metadata: &Metadata<'_>) -> Self::Writer {
        LineWriter {
            shared: &self.shared,
            immediate: self.immediate || is_immediate(metadata),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Sink {
        fn text(&self) -> String {
            String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
        }
    }

    fn subscriber(writer: BatchedStderr) -> impl tracing::Subscriber {
        tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(Level::INFO)
            .with_writer(writer)
            .finish()
    }

    #[test]
    fn info_lines_wait_and_audit_or_warn_lines_write_everything_in_order() {
        let sink = Sink::default();
        let (writer, guard) = BatchedStderr::new(Box::new(sink.clone()), false);
        tracing::subscriber::with_default(subscriber(writer.clone()), || {
            tracing::info!("first");
            tracing::info!("second");
            assert_eq!(sink.text(), "", "info lines are batched");
            tracing::info!(target: AUDIT_TARGET, "audit");
            let text = sink.text();
            let order: Vec<&str> = ["first", "second", "audit"]
                .into_iter()
                .filter(|word| text.contains(word))
                .collect();
            assert_eq!(order, ["first", "second", "audit"], "{text}");
            assert!(text.find("first") < text.find("second"));
            assert!(text.find("second") < text.find("audit"));

            tracing::info!("third");
            assert!(!sink.text().contains("third"));
            tracing::warn!("careful");
            let text = sink.text();
            assert!(text.find("third") < text.find("careful"), "{text}");
            tracing::info!("last");
        });
        assert!(!sink.text().contains("last"));
        drop(guard);
        assert!(sink.text().contains("last"), "written at exit");
        assert_eq!(sink.text().lines().count(), 6);
    }

    #[test]
    fn batches_are_written_when_full_and_immediate_mode_writes_each_line() {
        let sink = Sink::default();
        let (writer, _guard) = BatchedStderr::new(Box::new(sink.clone()), false);
        tracing::subscriber::with_default(subscriber(writer.clone()), || {
            let mut n = 0;
            while sink.text().is_empty() {
                tracing::info!(n, "forwarded");
                n += 1;
                assert!(n < 10_000);
            }
            assert!(sink.text().len() >= BATCH_BYTES);
            assert!(sink.text().ends_with('\n'), "whole lines only");
        });

        let sink = Sink::default();
        let (writer, _guard) = BatchedStderr::new(Box::new(sink.clone()), true);
        tracing::subscriber::with_default(subscriber(writer), || {
            tracing::info!("at once");
        });
        assert!(sink.text().contains("at once"));
    }

    #[test]
    fn flush_now_writes_what_has_gathered() {
        let sink = Sink::default();
        let (writer, _guard) = BatchedStderr::new(Box::new(sink.clone()), false);
        tracing::subscriber::with_default(subscriber(writer.clone()), || {
            tracing::info!("pending");
        });
        assert_eq!(sink.text(), "");
        writer.flush_now();
        assert!(sink.text().contains("pending"));
    }
}
