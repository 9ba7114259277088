//! `cinder serve`: preview a built tree over HTTP.

use std::io::Write;
use std::net::TcpListener;

use super::read_requests;
use crate::cli::ServeArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::routing::Routing;
use crate::server::preview::{Preview, serve};
use crate::space::EMPTY_FILE;
use crate::space::Space;

pub(crate) fn run(ctx: Context, args: &ServeArgs) -> Result<Status, Error> {
    let loaded = super::load_at(&args.site)?;
    if loaded.diagnostics.has_errors() {
        super::print_diagnostics(ctx, &loaded);
    }
    let root = args
        .root
        .clone()
        .unwrap_or_else(|| loaded.root.join(&loaded.site.config.output));
    if !root.join(EMPTY_FILE).is_file() {
        return Err(Error::Usage(format!(
            "`{}` holds no built tree; run `cinder build` first",
            root.display()
        )));
    }
    let mut observed = loaded.site.observed.clone();
    for file in &args.requests {
        observed.extend(read_requests(file)?);
    }
    let site = &loaded.site;
    let routing = Routing::new(&Space::new(site, &observed));
    let preview = Preview {
        cache_control: routing.cache_control.clone(),
        routing,
        root,
    };
    let listener = TcpListener::bind(&args.listen)
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", args.listen)))?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(e.to_string()))?;
    let _ = writeln!(
        std::io::stderr(),
        "serving `{}` on http://{addr}/ (Ctrl-C stops)",
        preview.root.display()
    );
    serve(preview, &listener);
    Ok(Status::Success)
}
