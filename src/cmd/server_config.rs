//! `cinder server-config`: configurations that serve a built tree.

use std::io::Write;

use crate::app::{Context, Error, Status};
use crate::cli::{NginxArgs, PoliciesArgs};
use crate::requests::read_requests;
use crate::server::{nginx, policies};
use crate::space::Space;

pub(crate) fn nginx(ctx: Context, args: &NginxArgs) -> Result<Status, Error> {
    let loaded = super::load_at(&args.site)?;
    if loaded.diagnostics.has_errors() {
        super::print_diagnostics(ctx, &loaded);
    }
    let site = &loaded.site;
    let mut observed = site.observed.clone();
    for file in &args.requests {
        observed.extend(read_requests(file)?);
    }
    let space = Space::new(site, &observed);
    let root = std::path::absolute(&args.root).map_err(|e| Error::read(&args.root, e))?;
    let opts = nginx::Options {
        root: &root,
        listen: &args.listen,
        cache_control: &site.config.cache_control,
        split: args.split,
    };
    let text = nginx::config(&space, &opts);
    std::io::stdout()
        .write_all(text.as_bytes())
        .map_err(|e| Error::write("<stdout>", e))?;
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
