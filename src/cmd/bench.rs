//! `cinder bench` (hidden): the measurements `bench/run` compares a build
//! with. `raw-write` writes a built tree's files again with nothing but
//! `std::fs::write` (the physical limit of the tree's shape on this disk),
//! or with `--layout` exactly the layout the build makes (`output::raw`);
//! `eval` plans a site with nothing written (evaluation and rendering);
//! `edge-index` measures the index of a tree's files that edge functions
//! carry (`server::edge::index`).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

use crate::cli::{BenchEdgeIndexArgs, BenchEvalArgs, BenchRawWriteArgs};
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::output::{Durability, manifest, raw};
use crate::plan::{Quiet, plan};
use crate::server::edge::index::{Index, LOOKUP_JS};
use crate::space::Space;

fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, Error> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(jobs) = jobs {
        b = b.num_threads(jobs.max(1));
    }
    b.build()
        .map_err(|e| Error::Usage(format!("cannot start threads: {e}")))
}

fn print(lines: &[(&str, String)]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    for (k, v) in lines {
        writeln!(out, "{k}={v}").map_err(|e| Error::write("stdout", e))?;
    }
    Ok(())
}

fn read_manifest(path: &Path) -> Result<Vec<manifest::Line>, Error> {
    manifest::read(path)
        .map_err(|e| Error::read(path, e))?
        .collect::<Result<_, _>>()
        .map_err(|e| Error::read(path, e))
}

pub(crate) fn raw_write(_ctx: Context, args: &BenchRawWriteArgs) -> Result<Status, Error> {
    let lines = read_manifest(&args.manifest)?;
    let pool = pool(args.jobs)?;
    if args.layout {
        return raw_layout(args, &lines, &pool);
    }
    let started = Instant::now();
    let dirs: BTreeSet<&Path> = lines
        .iter()
        .filter_map(|l| Path::new(&l.path).parent())
        .collect();
    std::fs::create_dir_all(&args.out).map_err(|e| Error::write(&args.out, e))?;
    for dir in &dirs {
        let d = args.out.join(dir);
        // Parents come before children in sorted order.
        match std::fs::create_dir(&d) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) => std::fs::create_dir_all(&d).map_err(|e| Error::write(&d, e))?,
        }
    }
    let max = lines.iter().map(|l| l.size).max().unwrap_or(0);
    let buffer = vec![b'x'; usize::try_from(max).unwrap_or(usize::MAX)];
    let blobs = args.out.join(".raw-blobs");
    if args.link {
        std::fs::create_dir_all(&blobs).map_err(|e| Error::write(&blobs, e))?;
    }
    pool.install(|| {
        if args.link {
            let distinct: BTreeSet<([u8; 32], u64)> =
                lines.iter().map(|l| (l.sha256, l.size)).collect();
            let distinct: Vec<_> = distinct.into_iter().collect();
            distinct.par_iter().try_for_each(|(sha, size)| {
                let p = blobs.join(manifest::hex(sha));
                std::fs::write(&p, &buffer[..to_usize(*size)]).map_err(|e| Error::write(&p, e))
            })?;
            lines.par_iter().try_for_each(|l| {
                let p = args.out.join(&l.path);
                std::fs::hard_link(blobs.join(manifest::hex(&l.sha256)), &p)
                    .map_err(|e| Error::write(&p, e))
            })
        } else {
            lines.par_iter().try_for_each(|l| {
                let p = args.out.join(&l.path);
                std::fs::write(&p, &buffer[..to_usize(l.size)]).map_err(|e| Error::write(&p, e))
            })
        }
    })?;
    let seconds = started.elapsed().as_secs_f64();
    print(&[
        ("files", lines.len().to_string()),
        ("leaf_dirs", dirs.len().to_string()),
        ("threads", pool.current_num_threads().to_string()),
        ("seconds", format!("{seconds:.3}")),
    ])?;
    Ok(Status::Success)
}

/// `raw-write --layout`: the build's own layout, timed from the first
/// directory made to the last flush (the layout is computed before).
fn raw_layout(
    args: &BenchRawWriteArgs,
    lines: &[manifest::Line],
    pool: &rayon::ThreadPool,
) -> Result<Status, Error> {
    let durability = Durability::of_flags(args.no_fsync, args.fsync_each_file);
    let started = Instant::now();
    let plan = raw::placeholder_plan(lines);
    let prepared = pool.install(|| raw::Prepared::new(&plan));
    let layout_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let made = pool.install(|| raw::write(&prepared, &args.out, durability))?;
    let seconds = started.elapsed().as_secs_f64();
    print(&[
        ("files", made.files.to_string()),
        ("blobs", made.blobs.to_string()),
        ("depth", made.depth.to_string()),
        ("subtrees", made.subtrees.to_string()),
        ("distinct_subtrees", made.distinct_subtrees.to_string()),
        ("top_files", made.top_files.to_string()),
        ("threads", pool.current_num_threads().to_string()),
        (
            "fsync",
            match durability {
                Durability::Flush => "syncfs",
                Durability::FlushEach => "each-file",
                Durability::Skip => "no",
            }
            .to_owned(),
        ),
        ("layout_s", format!("{layout_s:.3}")),
        ("flush_s", format!("{:.3}", made.flush_s)),
        ("seconds", format!("{seconds:.3}")),
    ])?;
    Ok(Status::Success)
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

pub(crate) fn eval(ctx: Context, args: &BenchEvalArgs) -> Result<Status, Error> {
    let pool = pool(args.jobs)?;
    let loaded = super::load_at(&args.site)?;
    if loaded.diagnostics.errors() > 0 {
        super::print_diagnostics(ctx, &loaded);
        return Ok(Status::Findings);
    }
    let site = &loaded.site;
    let started = Instant::now();
    let space = Space::new(site, &site.observed);
    let space_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let planned = pool.install(|| plan(&space, &Quiet));
    let plan_s = started.elapsed().as_secs_f64();
    // Counted after the timing: every (entry, variant) the plan answered.
    let entries = space.entries();
    let responses: usize =
        pool.install(|| entries.par_iter().map(|e| space.variants_of(e).len()).sum());
    let threads = pool.current_num_threads();
    #[allow(clippy::cast_precision_loss)]
    let per_core = responses as f64 / plan_s / threads as f64;
    let mut figures = vec![
        ("entries", entries.len().to_string()),
        ("responses", responses.to_string()),
        ("files", planned.files.len().to_string()),
        ("distinct_bodies", planned.bodies.len().to_string()),
        ("threads", threads.to_string()),
        ("space_s", format!("{space_s:.3}")),
        ("plan_s", format!("{plan_s:.3}")),
        ("eval_per_core_s", format!("{per_core:.0}")),
    ];
    if let Some(path) = &args.manifest {
        crate::output::write_manifest(&planned, path)?;
        let size = std::fs::metadata(path)
            .map_err(|e| Error::read(path, e))?
            .len();
        let stored = crate::publish::compress_manifest(path)?.len();
        figures.push(("manifest_bytes", size.to_string()));
        figures.push(("remote_manifest_bytes", stored.to_string()));
    }
    print(&figures)?;
    Ok(Status::Success)
}

pub(crate) fn edge_index(_ctx: Context, args: &BenchEdgeIndexArgs) -> Result<Status, Error> {
    let lines = read_manifest(&args.manifest)?;
    let started = Instant::now();
    let index = Index::new(lines.iter().map(|l| l.path.as_str()));
    let index_s = started.elapsed().as_secs_f64();
    let json = index.to_json();
    let started = Instant::now();
    let missing = lines.iter().filter(|l| !index.has(&l.path)).count();
    #[allow(clippy::cast_precision_loss)]
    let lookup_us = started.elapsed().as_secs_f64() * 1e6 / lines.len().max(1) as f64;
    if missing > 0 {
        return Err(Error::Usage(format!(
            "the index misses {missing} of the manifest's files"
        )));
    }
    print(&[
        ("files", lines.len().to_string()),
        ("index_nodes", index.nodes().to_string()),
        ("index_bytes", json.len().to_string()),
        ("lookup_js_bytes", LOOKUP_JS.len().to_string()),
        ("index_s", format!("{index_s:.3}")),
        ("lookup_us", format!("{lookup_us:.2}")),
    ])?;
    Ok(Status::Success)
}
