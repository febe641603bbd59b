//! A network the test can cut: one network namespace per member, each joined by a veth
//! pair to one bridge in the root namespace.
//!
//! Why this design:
//! - **Members in namespaces, clients in the root namespace.** Every member gets an
//!   address `10.X.Y.<id>/24` in its own namespace (X.Y drawn at random per harness and
//!   checked against the routes of the machine, so that concurrent harnesses and the
//!   machine's own networks do not clash); the bridge holds `10.X.Y.254`, so the test
//!   process reaches every member directly. Cuts are made inside the members'
//!   namespaces and never touch the path from the root namespace: a leader cut off
//!   from its peers still answers clients, which is the stale-read trap a linearizable
//!   store must not fall into.
//! - **Cuts are policy-routing rules, not firewall rules.** There is no iptables/nft and
//!   no netem here. A rule in a member's namespace sends the matching packets to routing
//!   table 100, whose only route leads into a "sink": a veth pair inside the same
//!   namespace whose far end accepts no packet (a permanent neighbour entry with a MAC
//!   address nobody has). The packets vanish silently, as in a real partition: senders
//!   see timeouts, not errors. (`ip rule ... blackhole` would also cut, but a locally
//!   generated packet then fails at once with an error, a kinder network than a real
//!   one; the kernel here has no dummy interfaces, hence the veth sink.)
//! - **One-way cuts at the message level.** Raft messages are HTTP POSTs from sender to
//!   receiver, each direction on its own connections. "A cannot send to B" is the rule
//!   `to B_IP ipproto tcp dport PORT lookup 100` in A's namespace: A's requests to B's
//!   listening port vanish, while A's replies on the connections B opened (their
//!   destination port is B's ephemeral port) pass, so B's messages still reach A. A full
//!   cut between A and B is `to B_IP` in A's namespace plus `to A_IP` in B's. The
//!   harness verifies both semantics at start-up (`verify_cuts`).
//! - **Every name carries the harness's tag** (`rcx<tag>...`), and a marker file
//!   `/tmp/raftctl-chaos-net/<tag>` holds the owner's pid. `Drop` removes every rule,
//!   namespace, veth and the bridge it made (also while a test panics); a new harness
//!   first removes what a crashed run left: names with the prefix whose marker is gone
//!   or whose owner is dead. Only addresses and names this harness created are touched.
//!
//! A machine where this cannot work (not root, no `ip`, no namespaces) makes `Net::new`
//! panic with a message saying so: a chaos test never passes without running.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;

/// Every member listens on this port at its own address.
pub const PORT: u16 = 7001;
const PREFIX: &str = "rcx";
const MARKERS: &str = "/tmp/raftctl-chaos-net";
const SINK_TABLE: &str = "100";
const SINK_GW: &str = "169.254.77.1";

/// Runs `ip args...`; the error is its stderr.
pub fn ip(args: &[&str]) -> Result<String, String> {
    let out = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `ip`: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "`ip {}`: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn must(args: &[&str]) -> String {
    ip(args).unwrap_or_else(|e| panic!("chaos network set-up failed: {e}"))
}

/// Panics with a clear message unless this process can build namespaces.
fn preflight() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let euid = status
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(2))
        .unwrap_or("?");
    if euid != "0" {
        panic!(
            "the chaos tests need root (network namespaces, veth links, policy routing); \
             this process runs as uid {euid}. Run them as root: they do not pass by skipping"
        );
    }
    if let Err(e) = ip(&["-V"]) {
        panic!("the chaos tests need iproute2's `ip` on PATH: {e}");
    }
}

struct Rule {
    ns: String,
    pref: u32,
}

/// The network of one harness.
pub struct Net {
    pub tag: String,
    /// 10.X.Y.0/24
    pub subnet: (u8, u8),
    bridge: String,
    marker: PathBuf,
    members: Mutex<BTreeSet<u64>>,
    rules: Mutex<Vec<Rule>>,
    next_pref: Mutex<u32>,
}

impl Net {
    pub fn new() -> Net {
        preflight();
        std::fs::create_dir_all(MARKERS).expect("create the marker dir");
        clean_leftovers();
        let routes = must(&["-4", "route", "show", "table", "all"]);
        let addrs = must(&["-4", "-o", "addr", "show"]);
        let (tag, subnet, marker) = loop {
            let r: u32 = rand::random();
            let subnet = (100 + (r % 100) as u8, ((r >> 8) % 256) as u8);
            let tag = format!("{:02x}{:02x}", subnet.0, subnet.1);
            let net = format!("10.{}.{}.", subnet.0, subnet.1);
            if routes.contains(&net) || addrs.contains(&net) {
                continue;
            }
            let marker = PathBuf::from(MARKERS).join(&tag);
            // The marker is the reservation, made before any name: written aside, then
            // hard-linked into place (which fails if it exists), so that it never exists
            // without its pid.
            let tmp = PathBuf::from(MARKERS).join(format!(".tmp-{}", std::process::id()));
            std::fs::write(&tmp, std::process::id().to_string()).expect("write the marker");
            let taken = std::fs::hard_link(&tmp, &marker).is_err();
            let _ = std::fs::remove_file(&tmp);
            if !taken {
                break (tag, subnet, marker);
            }
        };
        let net = Net {
            bridge: format!("{PREFIX}{tag}b"),
            tag,
            subnet,
            marker,
            members: Mutex::new(BTreeSet::new()),
            rules: Mutex::new(Vec::new()),
            next_pref: Mutex::new(100),
        };
        if let Err(e) = ip(&["link", "add", &net.bridge, "type", "bridge"]) {
            panic!(
                "the chaos tests cannot create a bridge ({e}); they need root with \
                 CAP_NET_ADMIN and a kernel with bridge and veth support"
            );
        }
        must(&["link", "set", &net.bridge, "up"]);
        must(&[
            "addr",
            "add",
            &format!("{}/24", net.client_ip()),
            "dev",
            &net.bridge,
        ]);
        net
    }

    pub fn ns(&self, id: u64) -> String {
        format!("{PREFIX}{}m{id}", self.tag)
    }

    pub fn ip_of(&self, id: u64) -> String {
        assert!((1..=253).contains(&id), "member ids 1..=253 have addresses");
        format!("10.{}.{}.{id}", self.subnet.0, self.subnet.1)
    }

    /// The root namespace's address on the bridge, where clients come from.
    pub fn client_ip(&self) -> String {
        format!("10.{}.{}.254", self.subnet.0, self.subnet.1)
    }

    pub fn url(&self, id: u64) -> String {
        format!("http://{}:{PORT}", self.ip_of(id))
    }

    /// Creates member `id`'s namespace, its link to the bridge and its sink.
    pub fn add_member(&self, id: u64) {
        if !self.members.lock().unwrap().insert(id) {
            return;
        }
        let ns = self.ns(id);
        let host = format!("{PREFIX}{}h{id}", self.tag);
        if let Err(e) = ip(&["netns", "add", &ns]) {
            panic!("the chaos tests cannot create a network namespace: {e}");
        }
        must(&[
            "link", "add", &host, "type", "veth", "peer", "name", "eth0", "netns", &ns,
        ]);
        must(&["link", "set", &host, "master", &self.bridge, "up"]);
        must(&["-n", &ns, "link", "set", "lo", "up"]);
        must(&[
            "-n",
            &ns,
            "addr",
            "add",
            &format!("{}/24", self.ip_of(id)),
            "dev",
            "eth0",
        ]);
        must(&["-n", &ns, "link", "set", "eth0", "up"]);
        // The sink: packets routed into sink0 reach sink1, which drops them (their
        // destination MAC is nobody's).
        must(&[
            "-n", &ns, "link", "add", "sink0", "type", "veth", "peer", "name", "sink1",
        ]);
        must(&["-n", &ns, "link", "set", "sink0", "up"]);
        must(&["-n", &ns, "link", "set", "sink1", "up"]);
        must(&[
            "-n",
            &ns,
            "neigh",
            "add",
            SINK_GW,
            "lladdr",
            "02:00:5e:00:77:01",
            "dev",
            "sink0",
            "nud",
            "permanent",
        ]);
        must(&[
            "-n", &ns, "route", "add", "default", "via", SINK_GW, "dev", "sink0", "onlink",
            "table", SINK_TABLE,
        ]);
    }

    /// `ip netns exec <ns of id> program`: a command that runs in member `id`'s namespace
    /// (`ip netns exec` execs the program in place: the child's pid is the program's).
    pub fn command(&self, id: u64, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.ns(id), program]);
        c
    }

    fn add_rule(&self, in_ns_of: u64, selector: &[&str]) {
        let pref = {
            let mut p = self.next_pref.lock().unwrap();
            *p += 1;
            *p
        };
        let ns = self.ns(in_ns_of);
        let pref_s = pref.to_string();
        let mut args = vec!["-n", ns.as_str(), "rule", "add", "pref", &pref_s];
        args.extend_from_slice(selector);
        args.extend_from_slice(&["lookup", SINK_TABLE]);
        must(&args);
        self.rules.lock().unwrap().push(Rule { ns, pref });
    }

    /// `from` can no longer send requests to `to` (its messages to `to` vanish); `to`
    /// still reaches `from`, and the answers `from` gives on those connections pass.
    pub fn cut_one_way(&self, from: u64, to: u64) {
        let port = PORT.to_string();
        let to_ip = self.ip_of(to);
        self.add_rule(from, &["to", &to_ip, "ipproto", "tcp", "dport", &port]);
    }

    /// Nothing passes between `a` and `b`, either way.
    pub fn cut_both(&self, a: u64, b: u64) {
        let (ia, ib) = (self.ip_of(a), self.ip_of(b));
        self.add_rule(a, &["to", &ib]);
        self.add_rule(b, &["to", &ia]);
    }

    /// Cuts `id` from every other member in `others` (clients still reach it).
    pub fn isolate(&self, id: u64, others: &[u64]) {
        for &o in others.iter().filter(|&&o| o != id) {
            self.cut_both(id, o);
        }
    }

    /// Every member of `a` cut from every member of `b`.
    pub fn partition(&self, a: &[u64], b: &[u64]) {
        for &x in a {
            for &y in b {
                if x != y {
                    self.cut_both(x, y);
                }
            }
        }
    }

    /// Removes every cut.
    pub fn heal(&self) {
        let rules = std::mem::take(&mut *self.rules.lock().unwrap());
        for r in rules {
            let _ = ip(&["-n", &r.ns, "rule", "del", "pref", &r.pref.to_string()]);
        }
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        self.heal();
        remove_tag(&self.tag);
        let _ = std::fs::remove_file(&self.marker);
    }
}

/// Kills whatever still runs in the namespaces of `tag`, deletes them, their links and
/// the bridge.
fn remove_tag(tag: &str) {
    let start = format!("{PREFIX}{tag}");
    let namespaces = ip(&["netns", "list"]).unwrap_or_default();
    for ns in namespaces
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| n.starts_with(&start))
    {
        if let Ok(pids) = ip(&["netns", "pids", ns]) {
            for pid in pids.split_whitespace() {
                let _ = Command::new("kill").args(["-9", pid]).status();
            }
        }
        let _ = ip(&["netns", "del", ns]);
    }
    let links = ip(&["-o", "link", "show"]).unwrap_or_default();
    for name in links.lines().filter_map(|l| {
        let name = l.split(':').nth(1)?.trim();
        Some(name.split('@').next()?.to_string())
    }) {
        if name.starts_with(&start) {
            let _ = ip(&["link", "del", &name]);
        }
    }
}

/// Removes what harnesses that died without cleaning up left behind: names with the
/// prefix whose marker is missing or whose owner process is gone.
fn clean_leftovers() {
    let mut tags = BTreeSet::new();
    let namespaces = ip(&["netns", "list"]).unwrap_or_default();
    let links = ip(&["-o", "link", "show"]).unwrap_or_default();
    let names = namespaces
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .chain(
            links
                .lines()
                .filter_map(|l| Some(l.split(':').nth(1)?.trim().split('@').next()?.to_string())),
        );
    for name in names {
        if let Some(rest) = name.strip_prefix(PREFIX) {
            if rest.len() >= 4 && rest.is_char_boundary(4) {
                tags.insert(rest[..4].to_string());
            }
        }
    }
    if let Ok(dir) = std::fs::read_dir(MARKERS) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with('.') {
                tags.insert(name);
            }
        }
    }
    for tag in tags {
        let marker = PathBuf::from(MARKERS).join(&tag);
        let alive = std::fs::read_to_string(&marker)
            .ok()
            .and_then(|pid| pid.trim().parse::<u32>().ok())
            .is_some_and(|pid| PathBuf::from(format!("/proc/{pid}")).exists());
        if !alive {
            eprintln!("chaos: removing the leftovers of an earlier run (tag {tag})");
            remove_tag(&tag);
            let _ = std::fs::remove_file(&marker);
        }
    }
}
