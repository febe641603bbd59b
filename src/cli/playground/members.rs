//! What the playground owns on this machine: the member processes, their certificates
//! and the temporary directory they live in. Every child is stopped (SIGTERM, then
//! SIGKILL after a grace period) and the directory removed when the playground ends, by
//! the normal path or, if something panics, by the Drop guards [`Members`] and
//! [`TempRoot`].

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::cli::error::{CliError, CliResult};
use crate::cli::output::Out;

/// Environment variables of the client flags: the members must not take a caller's
/// RAFTCTL_CERT (say, from an earlier playground's export lines) for their own.
const CLIENT_ENV: [&str; 5] = [
    "RAFTCTL_ENDPOINTS",
    "RAFTCTL_CACERT",
    "RAFTCTL_CERT",
    "RAFTCTL_KEY",
    "RAFTCTL_TOKEN",
];

/// The playground's certificates, in `<dir>/pki`: a CA, one certificate per member for
/// 127.0.0.1, and an `admin` client certificate for the person trying it out.
pub(super) struct Pki {
    pub(super) dir: PathBuf,
}

impl Pki {
    pub(super) fn create(root: &Path, members: usize) -> CliResult<Pki> {
        use crate::tls::{cert, Role};
        let dir = root.join("pki");
        let fail = |e: String| {
            CliError::failure(format!("cannot make the playground's certificates: {e}"))
        };
        let opts = |days| {
            Ok::<_, CliError>(cert::Options {
                validity: cert::Validity::days(days).map_err(fail)?,
                force: false,
            })
        };
        cert::create_ca(&dir, &opts(cert::DEFAULT_CA_DAYS)?).map_err(fail)?;
        let leaf = opts(cert::DEFAULT_LEAF_DAYS)?;
        for id in 1..=members as u64 {
            cert::create_member(&dir, &dir, id, &["127.0.0.1".to_string()], &leaf).map_err(fail)?;
        }
        cert::create_client(&dir, &dir, "admin", Role::Admin, &leaf).map_err(fail)?;
        Ok(Pki { dir })
    }

    fn ca(&self) -> PathBuf {
        self.dir.join(crate::tls::cert::CA_CERT)
    }

    fn member_args(&self, id: u64) -> Vec<std::ffi::OsString> {
        vec![
            "--cacert".into(),
            self.ca().into(),
            "--cert".into(),
            self.dir.join(format!("member-{id}.crt")).into(),
            "--key".into(),
            self.dir.join(format!("member-{id}.key")).into(),
        ]
    }

    pub(super) fn admin(&self) -> crate::client::TlsOptions {
        crate::client::TlsOptions {
            cacert: Some(self.ca()),
            cert: Some(self.dir.join("client-admin.crt")),
            key: Some(self.dir.join("client-admin.key")),
        }
    }
}

/// How long a member gets to shut down cleanly after SIGTERM before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Log lines shown when a member dies during start-up.
const LOG_TAIL_LINES: usize = 30;

/// One member of the playground.
pub(super) struct Member {
    pub(super) id: u64,
    pub(super) url: String,
    pub(super) log: PathBuf,
    pub(super) child: Option<Child>,
    pub(super) pid: u32,
}

/// The running members; Drop kills whatever is still running, so no child outlives the
/// playground even when it panics.
pub(super) struct Members(pub(super) Vec<Member>);

impl Members {
    /// The first member that has exited, with its status.
    pub(super) fn first_exited(&mut self) -> Option<(usize, ExitStatus)> {
        for (i, m) in self.0.iter_mut().enumerate() {
            if let Some(child) = m.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    m.child = None;
                    return Some((i, status));
                }
            }
        }
        None
    }

    /// SIGTERM to every running member, then waits up to [`STOP_GRACE`] and SIGKILLs
    /// the rest.
    pub(super) fn stop(&mut self, out: &mut Out) {
        for m in &self.0 {
            if m.child.is_some() {
                send_signal(m.pid, "-TERM");
            }
        }
        let deadline = Instant::now() + STOP_GRACE;
        loop {
            let mut running = 0;
            for m in &mut self.0 {
                if let Some(child) = m.child.as_mut() {
                    match child.try_wait() {
                        Ok(Some(_)) | Err(_) => m.child = None,
                        Ok(None) => running += 1,
                    }
                }
            }
            if running == 0 {
                return;
            }
            if Instant::now() >= deadline {
                out.note(format_args!(
                    "playground: {running} member(s) did not stop within {}s of SIGTERM; killing them",
                    STOP_GRACE.as_secs()
                ));
                self.kill_all();
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill_all(&mut self) {
        for m in &mut self.0 {
            if let Some(mut child) = m.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Members {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// The temporary directory; Drop removes it unless it is to be kept.
pub(super) struct TempRoot {
    pub(super) path: PathBuf,
    keep: bool,
}

impl Drop for TempRoot {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// Sends `sig` (e.g. `-TERM`) with kill(1): std has no portable signal call.
fn send_signal(pid: u32, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

pub(super) fn make_temp_root(keep: bool) -> CliResult<TempRoot> {
    let base = std::env::temp_dir();
    for _ in 0..16 {
        let path = base.join(format!(
            "raftctl-playground-{}-{:08x}",
            std::process::id(),
            rand::random::<u32>()
        ));
        match std::fs::create_dir(&path) {
            Ok(()) => return Ok(TempRoot { path, keep }),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(CliError::failure(format!(
                    "cannot create a temporary directory in {}: {e}",
                    base.display()
                ))
                .with_detail("set TMPDIR to a writable directory"))
            }
        }
    }
    Err(CliError::failure(format!(
        "cannot find an unused temporary directory name in {}",
        base.display()
    )))
}

pub(super) fn start_members(root: &Path, ports: &[u16], pki: Option<&Pki>) -> CliResult<Members> {
    let exe = std::env::current_exe()
        .map_err(|e| CliError::failure(format!("cannot find this program's own path: {e}")))?;
    let scheme = if pki.is_some() { "https" } else { "http" };
    let initial_cluster = ports
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}={scheme}://127.0.0.1:{p}", i + 1))
        .collect::<Vec<_>>()
        .join(",");
    let mut members = Members(Vec::new());
    for (i, port) in ports.iter().enumerate() {
        let id = i as u64 + 1;
        let data_dir = root.join(format!("node-{id}"));
        let log = root.join(format!("node-{id}.log"));
        let open_log = || {
            File::options()
                .create(true)
                .append(true)
                .open(&log)
                .map_err(|e| CliError::failure(format!("cannot open {}: {e}", log.display())))
        };
        let (out, err) = (open_log()?, open_log()?);
        let mut command = Command::new(&exe);
        for var in CLIENT_ENV {
            command.env_remove(var);
        }
        if let Some(pki) = pki {
            command.args(pki.member_args(id));
        }
        let child = command
            .arg("serve")
            .args(["--id", &id.to_string()])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--initial-cluster", &initial_cluster])
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .map_err(|e| {
                CliError::failure(format!(
                    "cannot start member {id} ({} serve): {e}",
                    exe.display()
                ))
            })?;
        let pid = child.id();
        // For scripts and the README tour: `kill $(cat $PLAYGROUND/node-2.pid)`.
        let _ = std::fs::write(root.join(format!("node-{id}.pid")), format!("{pid}\n"));
        members.0.push(Member {
            id,
            url: format!("{scheme}://127.0.0.1:{port}"),
            log,
            child: Some(child),
            pid,
        });
    }
    let pids: Vec<String> = members.0.iter().map(|m| m.pid.to_string()).collect();
    let _ = std::fs::write(root.join("pids"), format!("{}\n", pids.join(" ")));
    Ok(members)
}

/// The last `n` lines of a log file, for a member that died.
fn log_tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

pub(super) fn died_error(m: &Member, status: ExitStatus) -> CliError {
    let tail = log_tail(&m.log, LOG_TAIL_LINES);
    let mut err = CliError::failure(format!(
        "member {} ({}) exited during start-up ({status}); stopped the others",
        m.id, m.url
    ))
    .with_detail(format!("last lines of {}:", m.log.display()));
    for line in tail.lines() {
        err = err.with_detail(format!("  {line}"));
    }
    err
}
