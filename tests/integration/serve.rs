//! `cinder serve` answers a built tree with the same routing as the
//! generated nginx configuration: every demo request as `cinder query`.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::nginx::{compare, demo_urls, get, wire};
use crate::support::{Scratch, cinder, repo};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_answers_what_query_answers_on_the_demo() {
    let s = Scratch::new();
    let out = s.path().join("public");
    let b = Command::new(cinder())
        .arg("build")
        .arg("--site")
        .arg(repo())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Server(
        Command::new(cinder())
            .arg("serve")
            .arg("--site")
            .arg(repo())
            .arg("--root")
            .arg(&out)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "cinder serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let urls = demo_urls();
    let (agreed, mismatches, _refused) = compare(port, &repo(), &urls, s.path());
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        urls.len(),
        mismatches[..mismatches.len().min(8)].join("\n")
    );
    assert!(agreed > 1000, "only {agreed} compared");
    let (status, headers, _) = get(port, &wire(&urls[0]), None);
    assert_eq!(status, 200);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "cache-control" && v == "public, max-age=90"),
        "{headers:?}"
    );
}
