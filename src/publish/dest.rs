//! Where a tree is published: `s3://BUCKET[/PREFIX]` (AWS S3 and every store
//! speaking its API: R2, MinIO, Ceph, GCS's interoperability mode, ...),
//! `gs://BUCKET[/PREFIX]`, `az://CONTAINER[/PREFIX]`, or a local directory,
//! opened as an `object_store` client configured from the provider's usual
//! environment variables.
//!
//! Every client retries a failed request with exponential backoff: on
//! throttling (429, S3's 503 SlowDown), on any 5xx, on timeouts and on
//! broken connections (`RETRY`).

use std::sync::Arc;
use std::time::Duration;

use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::azure::MicrosoftAzureBuilder;
use object_store::gcp::GoogleCloudStorageBuilder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;
use object_store::{BackoffConfig, ClientOptions, ObjectStore, RetryConfig};

use super::error::Error;

/// How a failed request is retried: 10 times at most, waiting 100 ms, then
/// twice as long each time up to 15 s, for at most 3 minutes.
pub(crate) const RETRY: RetryConfig = RetryConfig {
    backoff: BackoffConfig {
        init_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_secs(15),
        base: 2.0,
    },
    max_retries: 10,
    retry_timeout: Duration::from_mins(3),
};

/// The kind of store, for what differs between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    S3,
    Gcs,
    Azure,
    /// A directory: plain files, no headers.
    Local,
}

/// An opened destination.
#[derive(Clone, Debug)]
pub(crate) struct Dest {
    /// Keys are relative to the prefix.
    pub(crate) store: Arc<dyn ObjectStore>,
    pub(crate) kind: Kind,
    /// As the user wrote it, for messages.
    pub(crate) name: String,
    /// A local destination's directory.
    pub(crate) dir: Option<std::path::PathBuf>,
}

impl Dest {
    /// Whether objects carry Content-Type and Cache-Control.
    pub(crate) fn has_headers(&self) -> bool {
        self.kind != Kind::Local
    }
}

/// `BUCKET` and `PREFIX` of `SCHEME://BUCKET[/PREFIX]`.
fn bucket_and_prefix<'a>(dest: &'a str, rest: &'a str) -> Result<(&'a str, &'a str), Error> {
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    if bucket.is_empty() {
        return Err(Error::Dest(format!(
            "`{dest}` names no bucket: write SCHEME://BUCKET or SCHEME://BUCKET/PREFIX"
        )));
    }
    let prefix = prefix.trim_end_matches('/');
    if prefix.split('/').any(|p| p == "." || p == "..") || prefix.contains("//") {
        return Err(Error::Dest(format!(
            "`{dest}`: the prefix `{prefix}` has an empty, `.` or `..` segment"
        )));
    }
    Ok((bucket, prefix))
}

fn client_options(endpoint: Option<&str>) -> ClientOptions {
    ClientOptions::new()
        .with_timeout(Duration::from_mins(1))
        .with_connect_timeout(Duration::from_secs(10))
        .with_allow_http(endpoint.is_some_and(|e| e.starts_with("http://")))
}

fn with_prefix(store: Arc<dyn ObjectStore>, prefix: &str) -> Arc<dyn ObjectStore> {
    if prefix.is_empty() {
        store
    } else {
        Arc::new(PrefixStore::new(store, prefix))
    }
}

fn built(dest: &str, e: &object_store::Error) -> Error {
    Error::Dest(format!("cannot open `{dest}`: {e}"))
}

/// `path` made absolute, with the symlinks of its existing part resolved.
fn resolve(path: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    while !existing.exists() {
        let (Some(name), Some(parent)) = (existing.file_name(), existing.parent()) else {
            break;
        };
        missing.push(name);
        existing = parent;
    }
    let mut resolved = std::fs::canonicalize(existing)?;
    resolved.extend(missing.into_iter().rev());
    Ok(resolved)
}

/// Opens `dest`; `endpoint` overrides the provider's (and `AWS_ENDPOINT_URL`).
/// A local directory must not overlap any of `apart` (the tree and its build
/// state): it is created only then.
pub(crate) fn open(
    dest: &str,
    endpoint: Option<&str>,
    apart: &[std::path::PathBuf],
) -> Result<Dest, Error> {
    // TLS for the HTTP clients, on ring; installing it twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (scheme, rest) = match dest.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, dest),
    };
    let (kind, store, prefix) = match scheme {
        Some("s3") => {
            let (bucket, prefix) = bucket_and_prefix(dest, rest)?;
            // As `AmazonS3Builder::from_env`, but a variable set to nothing
            // (an unset CI secret) counts as unset.
            let mut b = AmazonS3Builder::new();
            for (name, value) in std::env::vars() {
                if let Some(key) = name
                    .starts_with("AWS_")
                    .then(|| name.to_ascii_lowercase().parse::<AmazonS3ConfigKey>().ok())
                    .flatten()
                    .filter(|_| !value.is_empty())
                {
                    b = b.with_config(key, value);
                }
            }
            let mut b = b.with_bucket_name(bucket).with_retry(RETRY);
            if let Some(e) = endpoint {
                b = b.with_endpoint(e);
            }
            let endpoint = b.get_config_value(&AmazonS3ConfigKey::Endpoint);
            let store = b
                .with_client_options(client_options(endpoint.as_deref()))
                .build()
                .map_err(|e| built(dest, &e))?;
            (Kind::S3, Arc::new(store) as Arc<dyn ObjectStore>, prefix)
        }
        Some("gs") => {
            let (bucket, prefix) = bucket_and_prefix(dest, rest)?;
            let mut b = GoogleCloudStorageBuilder::from_env()
                .with_bucket_name(bucket)
                .with_retry(RETRY)
                .with_client_options(client_options(endpoint));
            if let Some(e) = endpoint {
                b = b.with_base_url(e);
            }
            let store = b.build().map_err(|e| built(dest, &e))?;
            (Kind::Gcs, Arc::new(store) as Arc<dyn ObjectStore>, prefix)
        }
        Some("az") => {
            let (container, prefix) = bucket_and_prefix(dest, rest)?;
            let mut b = MicrosoftAzureBuilder::from_env()
                .with_container_name(container)
                .with_retry(RETRY)
                .with_client_options(client_options(endpoint));
            if let Some(e) = endpoint {
                b = b
                    .with_endpoint(e.to_owned())
                    .with_allow_http(e.starts_with("http://"));
            }
            let store = b.build().map_err(|e| built(dest, &e))?;
            (Kind::Azure, Arc::new(store) as Arc<dyn ObjectStore>, prefix)
        }
        Some("file") | None => {
            if endpoint.is_some() {
                return Err(Error::Dest(format!(
                    "`--endpoint` is for object storage; `{dest}` is a local directory"
                )));
            }
            let given = std::path::Path::new(rest);
            let dir = resolve(given).map_err(|e| crate::error::Error::read(given, e))?;
            if let Some(p) = apart
                .iter()
                .find(|p| dir.starts_with(p) || p.starts_with(&dir))
            {
                return Err(Error::Dest(format!(
                    "`{dest}` overlaps the tree or its build state (`{}`); publish to a directory outside both",
                    p.display()
                )));
            }
            std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::write(&dir, e))?;
            let store = LocalFileSystem::new_with_prefix(&dir)
                .map_err(|e| built(dest, &e))?
                .with_automatic_cleanup(true);
            return Ok(Dest {
                store: Arc::new(store),
                kind: Kind::Local,
                name: dest.to_owned(),
                dir: Some(dir),
            });
        }
        Some(other) => {
            return Err(Error::Dest(format!(
                "`{other}://` is not a destination cinder publishes to: write s3://BUCKET[/PREFIX] (also for R2, MinIO and other S3-compatible stores, with --endpoint), gs://BUCKET[/PREFIX], az://CONTAINER[/PREFIX], or a local directory"
            )));
        }
    };
    Ok(Dest {
        store: with_prefix(store, prefix),
        kind,
        name: dest.to_owned(),
        dir: None,
    })
}

/// The files a write to a local directory left unfinished (`object_store`
/// writes `NAME#N`, then renames it to `NAME`): key and path. A publish
/// killed mid-way leaves them, and listings do not show them.
pub(crate) fn leftovers(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.rsplit_once('#'))
                .is_some_and(|(name, n)| {
                    !name.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                })
        })
        .filter_map(|e| {
            let key = e.path().strip_prefix(dir).ok()?.to_str()?.to_owned();
            Some((key, e.into_path()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_are_parsed_with_clear_refusals() {
        assert_eq!(
            bucket_and_prefix("s3://b/p/q/", "b/p/q/").unwrap(),
            ("b", "p/q")
        );
        assert_eq!(bucket_and_prefix("s3://b", "b").unwrap(), ("b", ""));
        let err = |d: &str| open(d, None, &[]).unwrap_err().to_string();
        assert!(err("s3:///x").contains("names no bucket"));
        assert!(err("s3://b/../x").contains("`..`"));
        assert!(err("ftp://host/x").contains("`ftp://` is not a destination"));
        let dir = tempfile::tempdir().unwrap();
        let local = dir.path().join("site").display().to_string();
        assert!(
            open(&local, Some("http://127.0.0.1:9"), &[])
                .unwrap_err()
                .to_string()
                .contains("local directory")
        );
        let tree = dir.path().join("tree");
        std::fs::create_dir(&tree).unwrap();
        let inside = tree.join("x").display().to_string();
        assert!(
            open(&inside, None, std::slice::from_ref(&tree))
                .unwrap_err()
                .to_string()
                .contains("overlaps the tree")
        );
        assert!(!tree.join("x").exists(), "nothing made");
        let opened = open(&local, None, &[tree]).unwrap();
        assert_eq!(opened.kind, Kind::Local);
        assert!(!opened.has_headers());
        assert!(dir.path().join("site").is_dir());
    }

    /// A server that answers each request with the next of `statuses`
    /// (then 200), counting the requests.
    fn server(statuses: Vec<u16>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::{BufRead, BufReader, Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = std::sync::Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let n = counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let status = statuses.get(n).copied().unwrap_or(200);
                let body = if status == 503 {
                    "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
                } else {
                    ""
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nETag: \"1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        (url, seen)
    }

    /// A one-byte PUT through a client configured as `open` configures one,
    /// to a server answering with `statuses`: whether it succeeded, and
    /// how many requests it took.
    fn put_through(statuses: Vec<u16>) -> (bool, usize) {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let (url, seen) = server(statuses);
        let store = AmazonS3Builder::new()
            .with_bucket_name("b")
            .with_region("us-east-1")
            .with_access_key_id("k")
            .with_secret_access_key("s")
            .with_endpoint(&url)
            .with_retry(RETRY)
            .with_client_options(client_options(Some(&url)))
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let put = runtime.block_on(object_store::ObjectStoreExt::put(
            &store,
            &object_store::path::Path::from("k"),
            b"x".to_vec().into(),
        ));
        (put.is_ok(), seen.load(std::sync::atomic::Ordering::SeqCst))
    }

    #[test]
    fn throttling_and_server_errors_are_retried_and_refusals_are_not() {
        // S3's SlowDown, too many requests, an internal error: then it goes through.
        assert_eq!(put_through(vec![503, 429, 500]), (true, 4));
        // Access denied is an answer, not a hiccup.
        assert_eq!(put_through(vec![403]), (false, 1));
    }
}
