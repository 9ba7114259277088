//! One publish at a time per destination.
//!
//! On object storage, a lease: the object `.cinder-lease`, made with a
//! conditional write that fails when it exists (S3's `If-None-Match: *`),
//! naming its holder and when it ends, and renewed every `RENEW` seconds
//! with a write conditional on its ETag (`If-Match`) while the publish runs.
//! A second publish finds it and refuses (or waits, with `--wait`). A lease
//! that has ended, or whose holder was a process of this machine that is
//! gone (a publish killed with kill -9), is taken over with a write
//! conditional on its ETag, so two publishes cannot both take it. A publish
//! that cannot renew its lease in time stops before it writes the manifest.
//!
//! In a local directory, a lock on the file `.cinder-lease` (released by
//! the system when its process ends, however it ends).

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use object_store::path::Path;
use object_store::{Attribute, Attributes, ObjectStoreExt, PutMode, PutOptions, UpdateVersion};
use sha2::{Digest, Sha256};

use crate::error::Error as AppError;
use crate::time::{Timestamp, format, now};

use super::dest::{Dest, Kind};
use super::error::Error;
use super::state::LEASE;

/// How long a lease lasts unless renewed, in seconds.
pub(crate) const TTL: i64 = 120;
/// How often it is renewed, in seconds.
const RENEW: u64 = 30;
/// How often a waiting publish looks again.
const POLL: Duration = Duration::from_secs(2);

/// Who holds a lease, as the lease object says.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Holder {
    /// Unique to one publish.
    id: String,
    host: String,
    /// The machine's boot and the process's pid namespace (`BOOT_ID/NS`),
    /// and the process's start in them: a pid names the
    /// same process only when both match.
    boot: String,
    pid: u32,
    start: String,
    since: Timestamp,
    until: Timestamp,
}

fn read_trimmed(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// This boot of this machine, and this pid namespace (containers on one
/// machine share the boot and not the namespace); empty when unknown.
fn pid_space() -> String {
    let boot = read_trimmed("/proc/sys/kernel/random/boot_id");
    let ns = std::fs::read_link("/proc/self/ns/pid")
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    if boot.is_empty() || ns.is_empty() {
        String::new()
    } else {
        format!("{boot}/{ns}")
    }
}

/// When a process started since boot (clock ticks), from `/proc`; empty when unknown.
fn process_start(pid: u32) -> String {
    let stat = read_trimmed(&format!("/proc/{pid}/stat"));
    // The command name (field 2) may hold spaces; fields after it do not.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(19))
        .unwrap_or_default()
        .to_owned()
}

impl Holder {
    fn me(since: Timestamp) -> Holder {
        let pid = std::process::id();
        let boot = pid_space();
        let start = process_start(pid);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let digest: [u8; 32] = Sha256::digest(format!("{boot}/{pid}/{start}/{nanos}")).into();
        let id = crate::output::manifest::hex(&digest[..16]);
        let host = match read_trimmed("/proc/sys/kernel/hostname") {
            h if h.is_empty() => std::env::var("HOSTNAME").unwrap_or_else(|_| "unknown".into()),
            h => h,
        };
        Holder {
            id,
            host,
            boot,
            pid,
            start,
            since,
            until: since + TTL,
        }
    }

    fn text(&self) -> String {
        format!(
            "# cinder publish lease: one publish at a time writes here\nholder {}\nhost {}\nboot {}\npid {} {}\nsince {}\nuntil {}\n",
            self.id,
            self.host,
            self.boot,
            self.pid,
            self.start,
            format(self.since),
            format(self.until)
        )
    }

    fn parse(text: &str) -> Option<Holder> {
        let mut fields = std::collections::HashMap::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (k, v) = line.split_once(' ').unwrap_or((line, ""));
            fields.insert(k, v);
        }
        let (pid, start) = fields.get("pid")?.split_once(' ').unwrap_or(("", ""));
        let time = |k| crate::time::parse(fields.get(k)?).ok();
        Some(Holder {
            id: (*fields.get("holder")?).to_owned(),
            host: (*fields.get("host")?).to_owned(),
            boot: (*fields.get("boot")?).to_owned(),
            pid: pid.parse().ok()?,
            start: start.to_owned(),
            since: time("since")?,
            until: time("until")?,
        })
    }

    /// Whether the holder was a process of this machine (and pid namespace)
    /// that has ended.
    fn gone(&self) -> bool {
        let boot = pid_space();
        !boot.is_empty()
            && boot == self.boot
            && !self.start.is_empty()
            && process_start(self.pid) != self.start
    }

    fn describe(&self) -> String {
        format!(
            "pid {} on {}, since {}, its lease runs until {}",
            self.pid,
            self.host,
            format(self.since),
            format(self.until)
        )
    }
}

/// What the renewal shares with the publish.
#[derive(Debug)]
struct Shared {
    holder: Holder,
    version: UpdateVersion,
    /// Why the lease was lost, once it is.
    lost: Option<String>,
}

/// The lease of a publish under way.
pub(crate) struct Lease {
    dest: Dest,
    held: Held,
    /// When this publish took the lease over from one that had ended: whose.
    pub(crate) took_over: Option<String>,
}

enum Held {
    Object {
        shared: Arc<Mutex<Shared>>,
        renewal: tokio::task::JoinHandle<()>,
    },
    /// Held open: the lock lasts as long as the file.
    File(#[allow(dead_code)] std::fs::File),
}

fn lease_options(dest: &Dest, mode: PutMode) -> PutOptions {
    let mut attributes = Attributes::new();
    if dest.has_headers() {
        attributes.insert(Attribute::ContentType, "text/plain; charset=utf-8".into());
        attributes.insert(Attribute::CacheControl, "no-store".into());
    }
    PutOptions {
        mode,
        attributes,
        ..PutOptions::default()
    }
}

fn store_error(dest: &Dest, action: &'static str, source: object_store::Error) -> Error {
    Error::Store {
        action,
        key: LEASE.to_owned(),
        dest: dest.name.clone(),
        source: Box::new(source),
    }
}

/// A conditional write of the lease that failed otherwise than by its condition.
fn refused(dest: &Dest, action: &'static str, e: object_store::Error) -> Error {
    match e {
        object_store::Error::NotImplemented { .. } | object_store::Error::NotSupported { .. } => {
            Error::NoConditionalWrites {
                dest: dest.name.clone(),
                source: Box::new(e),
            }
        }
        e => store_error(dest, action, e),
    }
}

impl Lease {
    /// Takes DEST's lease, waiting up to `wait` for another publish's.
    pub(crate) async fn take(dest: &Dest, wait: Option<Duration>) -> Result<Lease, Error> {
        let deadline = wait.map(|w| Instant::now() + w);
        if dest.kind == Kind::Local {
            return Self::lock_file(dest, deadline).await;
        }
        let key = Path::from(LEASE);
        loop {
            let me = Holder::me(now());
            let created = dest
                .store
                .put_opts(
                    &key,
                    me.text().into_bytes().into(),
                    lease_options(dest, PutMode::Create),
                )
                .await;
            match created {
                Ok(r) => return Ok(Self::hold(dest, me, r.into(), None)),
                Err(object_store::Error::AlreadyExists { .. }) => {}
                Err(e) => return Err(refused(dest, "take the lease", e)),
            }
            let existing = match dest.store.get(&key).await {
                Ok(got) => got,
                Err(object_store::Error::NotFound { .. }) => continue,
                Err(e) => return Err(store_error(dest, "read the lease", e)),
            };
            let version = UpdateVersion {
                e_tag: existing.meta.e_tag.clone(),
                version: existing.meta.version.clone(),
            };
            let text = existing
                .bytes()
                .await
                .map_err(|e| store_error(dest, "read the lease", e))?;
            let holder = Holder::parse(&String::from_utf8_lossy(&text));
            if holder.as_ref().is_some_and(|h| h.id == me.id) {
                // Our own write, whose answer was lost and which was sent again.
                return Ok(Self::hold(dest, me, version, None));
            }
            let stale = match &holder {
                None => Some("an unreadable lease".to_owned()),
                Some(h) if h.until < now() => Some(format!("an ended lease ({})", h.describe())),
                Some(h) if h.gone() => Some(format!(
                    "the lease of a publish that ended without releasing it (pid {} on this machine)",
                    h.pid
                )),
                Some(_) => None,
            };
            let Some(stale) = stale else {
                // A publish under way holds it.
                if deadline.is_some_and(|d| Instant::now() + POLL <= d) {
                    tokio::time::sleep(POLL).await;
                    continue;
                }
                return Err(Error::Leased {
                    dest: dest.name.clone(),
                    holder: holder.as_ref().map(Holder::describe).unwrap_or_default(),
                });
            };
            let replaced = dest
                .store
                .put_opts(
                    &key,
                    me.text().into_bytes().into(),
                    lease_options(dest, PutMode::Update(version)),
                )
                .await;
            match replaced {
                Ok(r) => return Ok(Self::hold(dest, me, r.into(), Some(stale))),
                // Another publish took it first, or it was released: look again.
                Err(
                    object_store::Error::Precondition { .. }
                    | object_store::Error::NotFound { .. }
                    | object_store::Error::AlreadyExists { .. },
                ) => {}
                Err(e) => return Err(refused(dest, "take over the lease", e)),
            }
        }
    }

    fn hold(
        dest: &Dest,
        holder: Holder,
        version: UpdateVersion,
        took_over: Option<String>,
    ) -> Lease {
        let shared = Arc::new(Mutex::new(Shared {
            holder,
            version,
            lost: None,
        }));
        let renewal = tokio::spawn(renew(dest.clone(), Arc::clone(&shared)));
        Lease {
            dest: dest.clone(),
            held: Held::Object { shared, renewal },
            took_over,
        }
    }

    async fn lock_file(dest: &Dest, deadline: Option<Instant>) -> Result<Lease, Error> {
        let dir = dest.dir.clone().unwrap_or_default();
        let path = dir.join(LEASE);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| AppError::write(&path, e))?;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(std::fs::TryLockError::WouldBlock) => {
                    if deadline.is_some_and(|d| Instant::now() + POLL <= d) {
                        tokio::time::sleep(POLL).await;
                        continue;
                    }
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| Holder::parse(&t))
                        .map_or_else(|| "a process of this machine".to_owned(), |h| h.describe());
                    return Err(Error::Leased {
                        dest: dest.name.clone(),
                        holder,
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(AppError::write(&path, e).into());
                }
            }
        }
        // Who holds it, for a publish that finds it locked.
        let me = Holder::me(now());
        let written = file
            .set_len(0)
            .and_then(|()| file.write_all(me.text().as_bytes()));
        written.map_err(|e| AppError::write(&path, e))?;
        Ok(Lease {
            dest: dest.clone(),
            held: Held::File(file),
            took_over: None,
        })
    }

    /// Fails once the lease is lost: the publish must stop writing.
    pub(crate) fn check(&self) -> Result<(), Error> {
        let Held::Object { shared, .. } = &self.held else {
            return Ok(());
        };
        let shared = shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &shared.lost {
            Some(reason) => Err(Error::LeaseLost {
                dest: self.dest.name.clone(),
                reason: reason.clone(),
            }),
            None => Ok(()),
        }
    }

    /// Ends the lease, so another publish may start at once.
    pub(crate) async fn release(self) -> Result<(), Error> {
        match self.held {
            Held::File(file) => {
                drop(file);
                Ok(())
            }
            Held::Object { shared, renewal } => {
                renewal.abort();
                let _ = renewal.await;
                let lost = shared
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .lost
                    .is_some();
                if lost {
                    // Another publish holds it now.
                    return Ok(());
                }
                match self.dest.store.delete(&Path::from(LEASE)).await {
                    Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                    Err(e) => Err(store_error(&self.dest, "release the lease", e)),
                }
            }
        }
    }
}

/// Renews the lease every `RENEW` seconds until aborted; marks it lost when
/// another publish has replaced it, or when it ends before it could be renewed.
async fn renew(dest: Dest, shared: Arc<Mutex<Shared>>) {
    let key = Path::from(LEASE);
    loop {
        tokio::time::sleep(Duration::from_secs(RENEW)).await;
        let (mut holder, version) = {
            let s = shared
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            (s.holder.clone(), s.version.clone())
        };
        let ends = holder.until;
        holder.until = now() + TTL;
        let left = u64::try_from(ends - now()).unwrap_or(0);
        let put = dest.store.put_opts(
            &key,
            holder.text().into_bytes().into(),
            lease_options(&dest, PutMode::Update(version)),
        );
        let result = tokio::time::timeout(Duration::from_secs(left), put).await;
        let mut s = shared
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match result {
            Ok(Ok(r)) => {
                s.holder = holder;
                s.version = r.into();
            }
            Ok(Err(
                object_store::Error::Precondition { .. } | object_store::Error::NotFound { .. },
            )) => {
                s.lost = Some("another publish took over its lease".to_owned());
                return;
            }
            Ok(Err(e)) if now() < ends => {
                // Try again at the next turn; the lease still runs.
                let _ = e;
            }
            Ok(Err(e)) => {
                s.lost = Some(format!("its lease ended before it could be renewed ({e})"));
                return;
            }
            Err(_) => {
                s.lost = Some("its lease ended before it could be renewed (no answer)".to_owned());
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_round_trips_and_this_process_is_not_gone() {
        let me = Holder::me(1_800_000_000);
        let back = Holder::parse(&me.text()).unwrap();
        assert_eq!(back, me);
        assert_eq!(back.until - back.since, TTL);
        assert!(!me.gone(), "this process runs");
        let mut ended = me.clone();
        ended.start = "1".into();
        assert!(
            ended.gone(),
            "another process with our pid is not the holder"
        );
        let mut elsewhere = ended;
        elsewhere.boot = "another machine".into();
        assert!(
            !elsewhere.gone(),
            "a holder on another machine cannot be seen"
        );
        assert_eq!(Holder::parse("holder x\n"), None);
    }
}
