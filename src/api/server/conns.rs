//! The connections a member has open: which are idle (to evict one when the cap is
//! reached), the requests in flight on each, and the counts of what was refused or
//! closed, logged at most once per `REPORT_EVERY`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use super::{Shared, REPORT_EVERY};

/// Counts of what happened since the last report.
#[derive(Default)]
pub(super) struct Stats {
    pub(super) refused_at_cap: AtomicU64,
    pub(super) no_request: AtomicU64,
    pub(super) evicted: AtomicU64,
    pub(super) reserve_refused: AtomicU64,
    pub(super) accept_errors: AtomicU64,
    pub(super) plaintext: AtomicU64,
    pub(super) handshake_failed: AtomicU64,
    pub(super) last_handshake_error: Mutex<Option<String>>,
}

/// The open connections, oldest first, and whether each is between requests.
#[derive(Default)]
pub(super) struct Registry {
    pub(super) next_id: AtomicU64,
    pub(super) open: Mutex<BTreeMap<u64, Arc<ConnState>>>,
}

pub(super) struct ConnState {
    /// Requests being answered on this connection.
    pub(super) in_flight: AtomicUsize,
    /// Requests received so far.
    pub(super) requests: AtomicU64,
    /// Asks the connection to close once idle.
    pub(super) evict: Notify,
    /// Already asked to close.
    pub(super) evicted: AtomicBool,
}

impl Registry {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<ConnState>>> {
        self.open.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks the oldest idle connection to close, preferring one that has not made a
    /// request yet (so that a flood of silent connections does not push out peers and
    /// clients that use theirs); false if none is idle.
    pub(super) fn evict_oldest_idle(&self) -> bool {
        let open = self.lock();
        let idle = |c: &&Arc<ConnState>| {
            c.in_flight.load(Ordering::Relaxed) == 0 && !c.evicted.load(Ordering::Relaxed)
        };
        let silent = open
            .values()
            .filter(idle)
            .find(|c| c.requests.load(Ordering::Relaxed) == 0);
        match silent.or_else(|| open.values().find(idle)) {
            Some(c) => {
                // Each new connection evicts a different one.
                c.evicted.store(true, Ordering::Relaxed);
                c.evict.notify_one();
                true
            }
            None => false,
        }
    }
}

pub(super) struct Unregister {
    pub(super) shared: Arc<Shared>,
    pub(super) id: u64,
}

impl Drop for Unregister {
    fn drop(&mut self) {
        self.shared.registry.lock().remove(&self.id);
    }
}

/// Counts a request in flight on its connection while it is answered.
pub(super) struct InFlight(Arc<ConnState>);

impl InFlight {
    pub(super) fn start(state: &Arc<ConnState>) -> InFlight {
        state.in_flight.fetch_add(1, Ordering::Relaxed);
        state.requests.fetch_add(1, Ordering::Relaxed);
        InFlight(state.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Logs, at most once per [`REPORT_EVERY`], what was refused or closed.
pub(super) async fn report(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(REPORT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let timeout = humantime::format_duration(shared.settings.header_timeout).to_string();
    loop {
        tick.tick().await;
        let s = &shared.stats;
        let refused = s.refused_at_cap.swap(0, Ordering::Relaxed);
        if refused > 0 {
            tracing::warn!(
                refused,
                cap = shared.cap.total,
                "refused {refused} connections: at the cap of {} open connections",
                shared.cap.total
            );
        }
        let idle = s.no_request.swap(0, Ordering::Relaxed);
        if idle > 0 {
            tracing::warn!(
                closed = idle,
                "closed {idle} connections that sent no complete request within {timeout}"
            );
        }
        let evicted = s.evicted.swap(0, Ordering::Relaxed);
        if evicted > 0 {
            tracing::warn!(
                closed = evicted,
                "closed {evicted} idle connections to make room for new ones (cap {}, {} kept for peers and operators)",
                shared.cap.total,
                shared.cap.reserve
            );
        }
        let reserve_refused = s.reserve_refused.swap(0, Ordering::Relaxed);
        if reserve_refused > 0 {
            tracing::warn!(
                refused = reserve_refused,
                "refused {reserve_refused} client requests on connections kept for peers and operators: the shared {} connections are busy",
                shared.cap.total - shared.cap.reserve
            );
        }
        let plaintext = s.plaintext.swap(0, Ordering::Relaxed);
        if plaintext > 0 {
            tracing::warn!(
                refused = plaintext,
                "answered {plaintext} plaintext connections with \"use https://\": this member speaks TLS only"
            );
        }
        let failed = s.handshake_failed.swap(0, Ordering::Relaxed);
        if failed > 0 {
            let last = s
                .last_handshake_error
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .unwrap_or_default();
            tracing::warn!(failed, "{failed} TLS handshakes failed (last: {last})");
        }
        let errors = s.accept_errors.swap(0, Ordering::Relaxed);
        if errors > 0 {
            tracing::warn!(
                errors,
                "{errors} failed accepts (out of file descriptors?); backing off"
            );
        }
    }
}
