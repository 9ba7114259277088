//! `cinder server-config`: configurations that serve a built tree, each
//! a rendering of the site's routing description.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::app::{Context, Error, Status};
use crate::cli::{HostArgs, NginxArgs, PlainArgs, PoliciesArgs, SiteArg};
use crate::load::Loaded;
use crate::requests::read_requests;
use crate::routing::Routing;
use crate::server::{apache, caddy, nginx, plain, policies};
use crate::space::Space;

/// The site (its errors printed) and the requests seen in the wild.
fn load(
    ctx: Context,
    site: &SiteArg,
    requests: &[PathBuf],
) -> Result<(Loaded, Vec<crate::requests::Request>), Error> {
    let loaded = super::load_at(site)?;
    if loaded.diagnostics.has_errors() {
        super::print_diagnostics(ctx, &loaded);
    }
    let mut observed = loaded.site.observed.clone();
    for file in requests {
        observed.extend(read_requests(file)?);
    }
    Ok((loaded, observed))
}

fn print(text: &str) -> Result<Status, Error> {
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Error::write("<stdout>", e))?;
    Ok(Status::Success)
}

/// A host's configuration: the site's routing description rendered with
/// the tree's absolute path and the address.
fn render(
    ctx: Context,
    args: &HostArgs,
    config: impl Fn(&Routing, &Path, &str) -> String,
) -> Result<Status, Error> {
    let (loaded, observed) = load(ctx, &args.site, &args.requests)?;
    let routing = Routing::new(&Space::new(&loaded.site, &observed));
    let root = std::path::absolute(&args.root).map_err(|e| Error::read(&args.root, e))?;
    print(&config(&routing, &root, &args.listen))
}

pub(crate) fn nginx(ctx: Context, args: &NginxArgs) -> Result<Status, Error> {
    render(ctx, &args.host, |routing, root, listen| {
        nginx::config(
            routing,
            &nginx::Options {
                root,
                listen,
                split: args.split,
            },
        )
    })
}

pub(crate) fn apache(ctx: Context, args: &HostArgs) -> Result<Status, Error> {
    render(ctx, args, |routing, root, listen| {
        apache::config(routing, &apache::Options { root, listen })
    })
}

pub(crate) fn caddy(ctx: Context, args: &HostArgs) -> Result<Status, Error> {
    render(ctx, args, |routing, root, listen| {
        caddy::config(routing, &caddy::Options { root, listen })
    })
}

pub(crate) fn plain(ctx: Context, args: &PlainArgs) -> Result<Status, Error> {
    if args.not_found_page {
        return print(plain::not_found_page());
    }
    let (loaded, observed) = load(ctx, &args.site, &args.requests)?;
    let mut space = Space::new(&loaded.site, &observed);
    let routing = Routing::new(&space);
    let reports = super::check::host_reports(&mut space, &routing);
    print(&plain::report(&reports))
}

pub(crate) fn policies(_ctx: Context, args: &PoliciesArgs) -> Result<Status, Error> {
    let loaded = super::load_at(&args.site)?;
    let space = Space::new(&loaded.site, &loaded.site.observed);
    let route = match args.route {
        Some(n) => space.routes.get(n.wrapping_sub(1)).ok_or_else(|| {
            Error::Usage(format!(
                "the site has {} routes; --route takes 1 to {0}",
                space.routes.len()
            ))
        })?,
        None => space
            .routes
            .iter()
            .find(|r| !r.route.is_json())
            .ok_or_else(|| Error::Usage("the site serves no app-update route".to_owned()))?,
    };
    let text = policies::policies_json(&args.base_url, &route.route);
    writeln!(std::io::stdout(), "{text}").map_err(|e| Error::write("<stdout>", e))?;
    Ok(Status::Success)
}
