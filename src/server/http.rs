//! The preview server's HTTP/1.1 connections: reading one request within
//! bounds (the request line, each header line, the number and total size
//! of headers, the time the whole request may take), writing the reply,
//! and a cap on connections served at once. What a request is answered
//! with is the handler's business (`preview.rs`).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How much one client may send, and how long it may take.
#[derive(Clone, Debug)]
pub(crate) struct Limits {
    /// Bytes of the request line (answer: 414).
    pub(crate) request_line: usize,
    /// Bytes of one header line (answer: 431).
    pub(crate) header_line: usize,
    /// Bytes of all header lines together (answer: 431).
    pub(crate) headers_total: usize,
    /// Number of header lines (answer: 431).
    pub(crate) headers: usize,
    /// Time to read the whole request, however slowly it trickles in (answer: 408).
    pub(crate) request_time: Duration,
    /// Time to write the reply.
    pub(crate) write_time: Duration,
    /// Connections served at once; more are answered 503 and closed.
    pub(crate) connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            request_line: 16 * 1024,
            header_line: 8 * 1024,
            headers_total: 64 * 1024,
            headers: 100,
            request_time: Duration::from_secs(10),
            write_time: Duration::from_secs(10),
            connections: 256,
        }
    }
}

/// A request as the handler sees it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub(crate) method: String,
    /// The request target: path and query string, as sent.
    pub(crate) target: String,
    pub(crate) user_agent: Option<String>,
}

/// A reply to write.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) cache_control: Option<String>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    fn error(status: u16, text: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            cache_control: None,
            body: format!("{text}\n").into_bytes(),
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Serves connections from `listener` until the process ends, each on its
/// own thread, at most `limits.connections` at once.
pub(crate) fn serve<H>(listener: &TcpListener, limits: &Limits, handler: H)
where
    H: Fn(&Request) -> Response + Send + Sync + 'static,
{
    let handler = Arc::new(handler);
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming().flatten() {
        if open.fetch_add(1, Ordering::AcqRel) >= limits.connections {
            open.fetch_sub(1, Ordering::AcqRel);
            refuse_busy(stream);
            continue;
        }
        let (handler, done, limits) = (Arc::clone(&handler), Arc::clone(&open), limits.clone());
        let spawned = std::thread::Builder::new().spawn(move || {
            let _ = handle(stream, &limits, &*handler);
            done.fetch_sub(1, Ordering::AcqRel);
        });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// Answers 503 to a connection over the limit, without waiting for it.
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = write_response(
        &mut stream,
        &Response::error(503, "too many connections; try again"),
        false,
    );
    let _ = stream.shutdown(Shutdown::Both);
}

/// What went wrong reading a request: the status to answer with.
#[derive(Debug, PartialEq, Eq)]
struct Refusal(u16, &'static str);

/// Reads lines from a connection within the request's deadline.
struct Reader {
    inner: BufReader<TcpStream>,
    deadline: Instant,
}

impl Reader {
    /// One line (its `\r\n` or `\n` removed) of at most `max` bytes.
    fn line(&mut self, max: usize, too_long: Refusal) -> Result<Option<Vec<u8>>, Refusal> {
        let mut line = Vec::new();
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Refusal(408, "the request took too long to arrive"));
            }
            let _ = self.inner.get_ref().set_read_timeout(Some(left));
            let buf = match self.inner.fill_buf() {
                Ok(buf) => buf,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(Refusal(408, "the request took too long to arrive"));
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => return Ok(None),
            };
            if buf.is_empty() {
                return Ok((!line.is_empty()).then_some(line));
            }
            let (taken, done) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            };
            if line.len() + taken > max + 2 {
                return Err(too_long);
            }
            line.extend_from_slice(&buf[..taken]);
            self.inner.consume(taken);
            if done {
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                if line.len() > max {
                    return Err(too_long);
                }
                return Ok(Some(line));
            }
        }
    }
}

/// Reads one request: the request line and headers, within `limits`.
fn read_request(reader: &mut Reader, limits: &Limits) -> Result<Option<Request>, Refusal> {
    let Some(line) = reader.line(
        limits.request_line,
        Refusal(414, "the request line is too long"),
    )?
    else {
        return Ok(None);
    };
    let bad = || Refusal(400, "malformed request line");
    let line = String::from_utf8(line).map_err(|_| bad())?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad());
    };
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_graphic());
    if !token(method) || !token(target) || !version.starts_with("HTTP/1.") {
        return Err(bad());
    }
    let mut user_agent = None;
    let mut total = 0;
    let mut count = 0;
    loop {
        let too_large = Refusal(431, "request header fields too large");
        let Some(header) = reader.line(limits.header_line, too_large)? else {
            return Err(Refusal(400, "the request ended before its headers did"));
        };
        if header.is_empty() {
            break;
        }
        count += 1;
        total += header.len();
        if count > limits.headers || total > limits.headers_total {
            return Err(Refusal(431, "request header fields too large"));
        }
        let Some(colon) = header.iter().position(|b| *b == b':') else {
            return Err(Refusal(400, "malformed header line"));
        };
        if header[..colon].eq_ignore_ascii_case(b"user-agent") {
            let value = String::from_utf8_lossy(&header[colon + 1..]);
            user_agent = Some(value.trim().to_owned());
        }
    }
    Ok(Some(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        user_agent,
    }))
}

fn write_response(out: &mut TcpStream, r: &Response, head: bool) -> std::io::Result<()> {
    let mut text = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len()
    );
    if let Some(cc) = &r.cache_control {
        let _ = write!(text, "Cache-Control: {cc}\r\n");
    }
    text.push_str("Connection: close\r\n\r\n");
    let mut bytes = text.into_bytes();
    if !head {
        bytes.extend_from_slice(&r.body);
    }
    out.write_all(&bytes)?;
    out.flush()
}

fn handle(
    stream: TcpStream,
    limits: &Limits,
    handler: &dyn Fn(&Request) -> Response,
) -> std::io::Result<()> {
    stream.set_write_timeout(Some(limits.write_time))?;
    let mut reader = Reader {
        inner: BufReader::new(stream.try_clone()?),
        deadline: Instant::now() + limits.request_time,
    };
    let mut out = stream;
    let (response, head) = match read_request(&mut reader, limits) {
        Ok(None) => return Ok(()),
        Ok(Some(request)) => match request.method.as_str() {
            "GET" => (handler(&request), false),
            "HEAD" => (handler(&request), true),
            _ => (Response::error(405, "only GET and HEAD"), false),
        },
        Err(Refusal(status, why)) => (Response::error(status, why), false),
    };
    write_response(&mut out, &response, head)?;
    // End our side, then read what the client still sends (a little, for
    // a short while) so that closing does not reset the connection under
    // its read of the reply.
    out.shutdown(Shutdown::Write)?;
    let _ = out.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = std::io::copy(
        &mut reader.inner.get_mut().take(64 * 1024),
        &mut std::io::sink(),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server with `limits` on a free port, answering 200 with the target.
    fn server(limits: Limits) -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            serve(&listener, &limits, |r| Response {
                status: 200,
                content_type: "text/plain",
                cache_control: Some("no-cache".into()),
                body: format!("{} {:?}", r.target, r.user_agent).into_bytes(),
            });
        });
        port
    }

    /// Sends `bytes` and returns the status line of the reply.
    fn send(port: u16, bytes: &[u8]) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let _ = s.write_all(bytes);
        status(&mut s)
    }

    fn status(s: &mut TcpStream) -> String {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut reply = Vec::new();
        let _ = s.read_to_end(&mut reply);
        String::from_utf8_lossy(&reply)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    #[test]
    fn a_good_request_is_answered() {
        let port = server(Limits::default());
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET /a?b=1 HTTP/1.1\r\nUser-Agent: Firefox PPC\r\n\r\n")
            .unwrap();
        let mut reply = String::new();
        s.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"), "{reply}");
        assert!(reply.contains("Cache-Control: no-cache\r\n"), "{reply}");
        assert!(reply.ends_with("/a?b=1 Some(\"Firefox PPC\")"), "{reply}");
        assert_eq!(
            send(port, b"HEAD / HTTP/1.0\r\n\r\n"),
            "HTTP/1.1 200 OK",
            "HEAD"
        );
        assert_eq!(
            send(port, b"POST / HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 405 Method Not Allowed"
        );
    }

    // See: issue 10, should-fix: a malformed request line was answered 405.
    #[test]
    fn a_malformed_request_is_a_bad_request() {
        let port = server(Limits::default());
        for bad in [
            &b"garbage\r\n\r\n"[..],
            b"GET /\r\n\r\n",
            b"GET / HTTP/1.1 extra\r\n\r\n",
            b"GET  / HTTP/1.1\r\n\r\n",
            b"GET / SPDY/3\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon here\r\n\r\n",
            b"\xff\xfe / HTTP/1.1\r\n\r\n",
        ] {
            assert_eq!(
                send(port, bad),
                "HTTP/1.1 400 Bad Request",
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    // See: issue 10, item 5: a 2 GB header line took the server to 2.2 GB.
    #[test]
    fn long_lines_and_many_headers_are_refused_before_they_are_read() {
        let port = server(Limits::default());
        let mut long = b"GET /".to_vec();
        long.extend(std::iter::repeat_n(b'a', 17 * 1024));
        long.extend_from_slice(b" HTTP/1.1\r\n\r\n");
        assert_eq!(send(port, &long), "HTTP/1.1 414 URI Too Long");

        // A header line that never ends: refused once 8 KiB have come,
        // however much more the client sends.
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nX-Long: ").unwrap();
        let chunk = vec![b'a'; 1 << 16];
        let mut sent = 0;
        while sent < 64 << 20 && s.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        assert!(
            sent < 64 << 20,
            "the server read {sent} bytes of one header line"
        );
        assert_eq!(
            status(&mut s),
            "HTTP/1.1 431 Request Header Fields Too Large"
        );

        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..101 {
            many.extend_from_slice(format!("X-{i}: 1\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert_eq!(
            send(port, &many),
            "HTTP/1.1 431 Request Header Fields Too Large"
        );
    }

    // See: issue 10, item 5: a trickling client held a thread forever.
    #[test]
    fn a_request_that_trickles_in_is_cut_off() {
        let port = server(Limits {
            request_time: Duration::from_millis(600),
            ..Limits::default()
        });
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let started = Instant::now();
        for b in b"GET / HTTP/1.1\r\nX: y" {
            if s.write_all(&[*b]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_eq!(status(&mut s), "HTTP/1.1 408 Request Timeout");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    // See: issue 10, item 5: every connection held a thread, without bound.
    #[test]
    fn connections_over_the_limit_are_answered_busy() {
        let port = server(Limits {
            connections: 2,
            ..Limits::default()
        });
        let held: Vec<TcpStream> = (0..2)
            .map(|_| {
                let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
                s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
                s
            })
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(
            send(port, b"GET / HTTP/1.1\r\n\r\n"),
            "HTTP/1.1 503 Service Unavailable"
        );
        drop(held);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let got = send(port, b"GET / HTTP/1.1\r\n\r\n");
            if got == "HTTP/1.1 200 OK" {
                break;
            }
            assert!(Instant::now() < deadline, "still busy: {got}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
