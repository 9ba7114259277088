//! A small HTTP server for previewing a built tree: each request is routed
//! by the routing description (as every generated server configuration
//! routes it) and answered from the tree's files. One thread per
//! connection, one request per connection; meant for previews and tests.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::routing::{Answer, Routing, Tree, XML};

/// What the server needs for every request.
pub(crate) struct Preview {
    pub(crate) routing: Routing,
    pub(crate) root: PathBuf,
    pub(crate) cache_control: String,
}

/// A response to write.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: &'static str,
    pub(crate) body: Vec<u8>,
}

/// A built tree on disk.
struct Disk<'a>(&'a Path);

impl Tree for Disk<'_> {
    fn has(&self, path: &str) -> bool {
        self.0.join(path).is_file()
    }
}

impl Preview {
    /// The answer for a request target (path and query string).
    pub(crate) fn answer(&self, target: &str, user_agent: Option<&str>) -> Reply {
        match self.routing.resolve(target, user_agent, &Disk(&self.root)) {
            Answer::File { path, content_type } => self.file(&path, content_type),
            Answer::NotFound { content_type } => Reply {
                status: 404,
                content_type,
                body: Vec::new(),
            },
            Answer::Empty => self.file(self.routing.empty_file, XML),
        }
    }

    fn file(&self, rel: &str, content_type: &'static str) -> Reply {
        match std::fs::read(self.root.join(rel)) {
            Ok(body) => Reply {
                status: 200,
                content_type,
                body,
            },
            Err(_) => Reply {
                status: 500,
                content_type: "text/plain",
                body: b"the tree is incomplete".to_vec(),
            },
        }
    }
}

/// Serves until the process ends.
pub(crate) fn serve(preview: Preview, listener: &TcpListener) {
    let preview = Arc::new(preview);
    for stream in listener.incoming().flatten() {
        let preview = Arc::clone(&preview);
        std::thread::spawn(move || {
            let _ = handle(&preview, stream);
        });
    }
}

fn handle(preview: &Preview, stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut user_agent = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" || line == "\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("user-agent")
        {
            user_agent = Some(value.trim().to_owned());
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or("/"),
    );
    let mut out = stream;
    let reply = match method {
        "GET" | "HEAD" => preview.answer(target, user_agent.as_deref()),
        _ => Reply {
            status: 405,
            content_type: "text/plain",
            body: b"only GET and HEAD".to_vec(),
        },
    };
    let reason = match reply.status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    };
    write!(
        out,
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\nConnection: close\r\n\r\n",
        reply.status,
        reply.content_type,
        reply.body.len(),
        preview.cache_control,
    )?;
    if method != "HEAD" {
        out.write_all(&reply.body)?;
    }
    out.flush()?;
    // End our side, then drain what the client still sends until it closes,
    // so that closing does not reset the connection under its read.
    out.shutdown(std::net::Shutdown::Write)?;
    let _ = std::io::copy(reader.get_mut(), &mut std::io::sink());
    Ok(())
}
