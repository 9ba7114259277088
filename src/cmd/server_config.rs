//! `cinder server-config`: configurations that serve a built tree, each
//! a rendering of the site's routing description.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::read_requests;
use crate::cli::{
    CloudFrontArgs, CloudflareArgs, EdgeArgs, EdgeStorage, HostArgs, NginxArgs, PlainArgs,
    PoliciesArgs, SiteArg,
};
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::load::Loaded;
use crate::output::manifest;
use crate::routing::Routing;
use crate::server::edge::index::Index;
use crate::server::edge::{cloudflare, cloudfront};
use crate::server::{apache, caddy, nginx, plain, policies};
use crate::space::Space;

/// The site (its errors printed) and the requests seen in the wild.
fn load(
    ctx: Context,
    site: &SiteArg,
    requests: &[PathBuf],
) -> Result<(Loaded, Vec<crate::model::request::Request>), Error> {
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

/// An edge's inputs: the site's routing description and the index of the
/// built tree's files (with their number).
fn edge_inputs(ctx: Context, args: &EdgeArgs) -> Result<(Routing, Index, usize), Error> {
    let (loaded, observed) = load(ctx, &args.site, &args.requests)?;
    let routing = Routing::new(&Space::new(&loaded.site, &observed));
    let path = args.root.join(manifest::NAME);
    if !path.is_file() {
        return Err(Error::Usage(format!(
            "`{}` holds no built tree (no `{}`): give `--root` the directory `cinder build --out` wrote",
            args.root.display(),
            manifest::NAME
        )));
    }
    let lines: Vec<manifest::Line> = manifest::read(&path)
        .map_err(|e| Error::read(&path, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| Error::read(&path, e))?;
    let index = Index::new(lines.iter().map(|l| l.path.as_str()));
    Ok((routing, index, lines.len()))
}

/// Writes an edge's files into `out` (created), removing `stale` ones an
/// earlier run wrote there that this one does not.
fn write_files(out: &Path, files: &[(&str, String)], stale: &[&str]) -> Result<(), Error> {
    std::fs::create_dir_all(out).map_err(|e| Error::write(out, e))?;
    for (name, text) in files {
        let path = out.join(name);
        std::fs::write(&path, text).map_err(|e| Error::write(&path, e))?;
    }
    for name in stale {
        if !files.iter().any(|(n, _)| n == name) {
            let path = out.join(name);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::write(&path, e)),
            }
        }
    }
    Ok(())
}

fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

pub(crate) fn cloudfront(ctx: Context, args: &CloudFrontArgs) -> Result<Status, Error> {
    let (routing, index, _) = edge_inputs(ctx, &args.edge)?;
    let opts = cloudfront::Options {
        bucket: &args.bucket,
        split: args.edge.split,
        index: if args.key_value_store {
            cloudfront::IndexPlace::KeyValueStore
        } else {
            cloudfront::IndexPlace::Auto
        },
    };
    match cloudfront::generate(&routing, &index, &opts) {
        Ok(output) => {
            write_files(&args.edge.out, &output.files, &[cloudfront::KVS_FILE])?;
            note(&output.fit.summary());
            let names: Vec<&str> = output.files.iter().map(|(n, _)| *n).collect();
            note(&format!(
                "wrote {} into `{}`",
                names.join(", "),
                args.edge.out.display()
            ));
            Ok(Status::Success)
        }
        Err(cloudfront::NoFit(why)) => {
            note(&format!(
                "error: this site does not fit a CloudFront Function: {why}.
What then: {}.",
                cloudfront::WHAT_THEN
            ));
            Ok(Status::Findings)
        }
    }
}

pub(crate) fn cloudflare(ctx: Context, args: &CloudflareArgs) -> Result<Status, Error> {
    let (routing, index, files) = edge_inputs(ctx, &args.edge)?;
    let root = std::path::absolute(&args.edge.root).map_err(|e| Error::read(&args.edge.root, e))?;
    let opts = cloudflare::Options {
        name: &args.name,
        bucket: &args.bucket,
        storage: match args.storage {
            EdgeStorage::Auto => cloudflare::Storage::Auto,
            EdgeStorage::R2 => cloudflare::Storage::R2,
            EdgeStorage::Assets => cloudflare::Storage::Assets,
        },
        root: &root,
        split: args.edge.split,
    };
    let output = cloudflare::generate(&routing, &index, files, &opts).map_err(Error::Usage)?;
    write_files(&args.edge.out, &output.files, &[])?;
    note(&output.summary);
    note(&format!(
        "wrote {}, {} into `{}`",
        cloudflare::WORKER_FILE,
        cloudflare::WRANGLER_FILE,
        args.edge.out.display()
    ));
    Ok(Status::Success)
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
