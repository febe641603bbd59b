//! Settings of one core instance. Validated once in `RawNode::new`.

use super::errors::Error;
use super::types::{Index, NodeId};

/// How a node behaves; see each field. `Config::new(id)` gives the defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// This node's id (>= 1).
    pub id: NodeId,
    /// Ticks without hearing from a leader before campaigning. The actual timeout is
    /// drawn from `[election_tick, 2 * election_tick)` on every reset.
    pub election_tick: usize,
    /// Ticks between a leader's heartbeats. Must be below `election_tick`.
    pub heartbeat_tick: usize,
    /// The last index applied to the state machine, for a restart (0 = fresh).
    pub applied: Index,
    /// Byte cap for the entries of one append message (at least one entry is sent).
    pub max_size_per_msg: u64,
    /// Byte cap for the committed entries of one Ready (at least one is handed out).
    pub max_committed_size_per_ready: u64,
    /// Cap on the payload bytes a leader holds uncommitted; proposals beyond are dropped.
    pub max_uncommitted_entries_size: Option<u64>,
    /// Append messages in flight to one follower in the replicate state.
    pub max_inflight_msgs: usize,
    /// A leader steps down when it has not heard from a quorum for an election timeout;
    /// voters that heard from a leader recently ignore vote requests.
    pub check_quorum: bool,
    /// Run a pre-election that does not bump terms before a real one.
    pub pre_vote: bool,
    /// Drop proposals at followers instead of forwarding them to the leader.
    pub disable_proposal_forwarding: bool,
    /// Seeds the election-timeout generator.
    pub seed: u64,
}

impl Config {
    pub fn new(id: NodeId) -> Config {
        Config {
            id,
            election_tick: 10,
            heartbeat_tick: 1,
            applied: 0,
            max_size_per_msg: 1024 * 1024,
            max_committed_size_per_ready: 4 * 1024 * 1024,
            max_uncommitted_entries_size: None,
            max_inflight_msgs: 256,
            check_quorum: true,
            pre_vote: true,
            disable_proposal_forwarding: false,
            seed: 0,
        }
    }

    pub fn validate(&self) -> Result<(), Error> {
        let bad = |s: String| Err(Error::InvalidConfig(s));
        if self.id == 0 {
            return bad("node id must be >= 1".into());
        }
        if self.heartbeat_tick == 0 {
            return bad("heartbeat_tick must be >= 1".into());
        }
        if self.election_tick <= self.heartbeat_tick {
            return bad(format!(
                "election_tick ({}) must be greater than heartbeat_tick ({})",
                self.election_tick, self.heartbeat_tick
            ));
        }
        if self.max_inflight_msgs == 0 {
            return bad("max_inflight_msgs must be >= 1".into());
        }
        if self.max_uncommitted_entries_size == Some(0) {
            return bad("max_uncommitted_entries_size must be >= 1 when set".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert!(Config::new(1).validate().is_ok());
        let mut c = Config::new(0);
        assert!(c.validate().unwrap_err().to_string().contains("node id"));
        c = Config::new(1);
        c.election_tick = 1;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("election_tick"));
        c = Config::new(1);
        c.max_inflight_msgs = 0;
        assert!(c.validate().is_err());
    }
}
