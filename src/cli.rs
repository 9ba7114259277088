//! The command line, as clap definitions; the doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Balrog's update rules, precomputed: build a static update server for
/// Firefox-family apps from rules and releases kept as YAML in git.
#[derive(Debug, Parser)]
#[command(name = "cinder", version, about, max_term_width = 100)]
pub(crate) struct Cli {
    /// When to colour diagnostics.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub(crate) color: Color,

    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a site: every problem in its files, each with its place.
    ///
    /// Exits 0 when the site is clean (warnings allowed), 1 when it has errors.
    Check(CheckArgs),

    /// Print the answer a client gets for each request URL.
    Query(QueryArgs),

    /// Turn another update server's data into a site.
    #[command(subcommand)]
    Import(ImportCommand),

    /// Build the static tree: one response file per client-parameter combination.
    ///
    /// The tree is published atomically: `OUT` is switched to the new tree in
    /// one step, and a build that fails or is killed leaves the published tree
    /// as it was. Only files that changed are written.
    Build(BuildArgs),

    /// Serve a built tree locally, routed as the generated server configurations route it.
    Serve(ServeArgs),

    /// Publish a built tree to object storage or a directory, moving only what changed.
    ///
    /// DEST is `s3://BUCKET[/PREFIX]` (AWS S3; R2, MinIO, Ceph and other
    /// S3-compatible stores with --endpoint or AWS_ENDPOINT_URL),
    /// `gs://BUCKET[/PREFIX]`, `az://CONTAINER[/PREFIX]`, or a local
    /// directory (plain files, symlinks resolved). Credentials and region come
    /// from the provider's environment variables (AWS_ACCESS_KEY_ID, ...).
    ///
    /// Only files that are new or whose SHA-256 differs from the manifest the
    /// last publish left at DEST are uploaded, fallback answers after the
    /// answers that take precedence over them, then the manifest; objects the
    /// tree no longer has are deleted last. One publish at a time holds a
    /// lease on DEST; one that stops mid-way is completed by the next.
    /// --verify exits 1 when DEST differs from the tree.
    Publish(PublishArgs),

    /// Explain an answer: each rule of the product and whether it matched,
    /// the release chosen and why, the patches offered or dropped.
    Explain(ExplainArgs),

    /// Print when the next scheduled change takes effect (UTC), if any.
    NextChange(NextChangeArgs),

    /// Show which clients' answers change between two versions of a site.
    ///
    /// Each side is a directory or a git revision of the repository holding
    /// the site; HEAD defaults to the site's working tree. Exits 0 when no
    /// answer changes, 1 when some do.
    Diff(DiffArgs),

    /// Print a web server's configuration for serving a built tree.
    #[command(subcommand)]
    ServerConfig(ServerConfigCommand),

    /// Start a new site that `cinder check` passes.
    ///
    /// Writes a commented cinder.yml, a template, two releases (one with a
    /// partial update), release and beta rules, a .gitignore, and the JSON
    /// Schemas the files point editors at.
    Init(InitArgs),

    /// Write JSON Schemas (draft-07) of the site's files, for editors.
    ///
    /// Writes cinder.schema.json, rules.schema.json, release.schema.json and
    /// template.schema.json.
    Schema(SchemaArgs),

    /// Print a shell completion script.
    Completions(CompletionsArgs),

    /// Write the man pages, or print cinder.1.
    Man(ManArgs),

    /// Write a synthetic Firefox-shaped site, for benchmarks.
    #[command(hide = true)]
    Synth(SynthArgs),

    /// Measurements for `bench/run`.
    #[command(hide = true, subcommand)]
    Bench(BenchCommand),
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// The built tree (default: the site's `output`).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,

    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub(crate) listen: String,

    /// Request URLs seen in the wild that the build was given with `--requests`.
    #[arg(long, value_name = "FILE")]
    pub(crate) requests: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// The site's directory (for its routes, Cache-Control and output directory).
    #[arg(long, value_name = "DIR", default_value = ".", env = "CINDER_SITE")]
    pub(crate) site: PathBuf,

    /// The built tree (default: the site's `output`).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: Option<PathBuf>,

    /// Where to publish: s3://BUCKET[/PREFIX], gs://BUCKET[/PREFIX],
    /// az://CONTAINER[/PREFIX], or a local directory.
    #[arg(value_name = "DEST")]
    pub(crate) dest: String,

    /// The object store's endpoint, instead of the provider's or
    /// AWS_ENDPOINT_URL's (http:// is allowed, for local servers).
    #[arg(long, value_name = "URL")]
    pub(crate) endpoint: Option<String>,

    /// Requests at once.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub(crate) jobs: usize,

    /// Print what would be uploaded and deleted, in order; change nothing.
    #[arg(long, conflicts_with = "verify")]
    pub(crate) dry_run: bool,

    /// Compare DEST with the tree and print what is missing, different or
    /// unexpected; change nothing. Exits 1 when anything is.
    #[arg(long, conflicts_with_all = ["repair", "adopt"])]
    pub(crate) verify: bool,

    /// Compare DEST with the tree first (as --verify), and rewrite or
    /// delete whatever differs, as well as what changed.
    #[arg(long)]
    pub(crate) repair: bool,

    /// Take over objects at DEST that no publish of cinder accounts for
    /// (DEST was filled by another tool): rewrite those the tree has,
    /// delete the others.
    #[arg(long)]
    pub(crate) adopt: bool,

    /// When another publish holds DEST's lease, wait up to this long (`30s`,
    /// `10m`) for it instead of refusing at once.
    #[arg(long, value_name = "DURATION")]
    pub(crate) wait: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ServerConfigCommand {
    /// An nginx configuration (maps and a `server` block, for nginx's `http` block).
    Nginx(NginxArgs),
    /// An Apache httpd 2.4 configuration: a `Listen` line and a `<VirtualHost>`
    /// with mod_rewrite rules, for the server configuration.
    Apache(HostArgs),
    /// A Caddyfile site block for Caddy 2.
    Caddy(HostArgs),
    /// What a host without rewriting (GitHub Pages, an S3 website, `python3 -m
    /// http.server`) serves of each route, and what it answers differently.
    Plain(PlainArgs),
    /// An Amazon CloudFront Function (viewer request, cloudfront-js-2.0) that
    /// routes each request to its file in an S3 bucket holding the tree, and
    /// the distribution it assumes (a CloudFormation template), written into
    /// `--out`; with the index of the tree's files in a KeyValueStore file to
    /// upload when it does not fit in the function's 10 KB.
    Cloudfront(CloudFrontArgs),
    /// A Cloudflare Worker (module syntax) that routes each request to its
    /// file in an R2 bucket or in the Worker's static assets, and its
    /// `wrangler.toml`, written into `--out`.
    Cloudflare(CloudflareArgs),
    /// The `policies.json` pointing Firefox at a route (Firefox's `AppUpdateURL` policy).
    Policies(PoliciesArgs),
}

#[derive(Debug, Args)]
pub(crate) struct EdgeArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// The built tree (the build's `--out`): the edge routes to the files
    /// its manifest lists, so regenerate after each build.
    #[arg(long, value_name = "DIR")]
    pub(crate) root: PathBuf,

    /// The directory to write into (created when missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,

    /// Split background checks of throttled rules by their backgroundRate, at
    /// random per request as Balrog does, instead of always answering as if
    /// the dice lost. force=1 still always gets the main answer.
    #[arg(long)]
    pub(crate) split: bool,

    /// Request URLs seen in the wild that the build was given with `--requests`.
    #[arg(long, value_name = "FILE")]
    pub(crate) requests: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CloudFrontArgs {
    #[command(flatten)]
    pub(crate) edge: EdgeArgs,

    /// The S3 bucket holding the tree (the template's default for its
    /// `BucketName` parameter).
    #[arg(long, value_name = "NAME", default_value = "cinder-tree")]
    pub(crate) bucket: String,

    /// Put the index of the tree's files in a KeyValueStore even when it
    /// fits in the function's code.
    #[arg(long)]
    pub(crate) key_value_store: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CloudflareArgs {
    #[command(flatten)]
    pub(crate) edge: EdgeArgs,

    /// The Worker's name.
    #[arg(long, value_name = "NAME", default_value = "cinder")]
    pub(crate) name: String,

    /// The R2 bucket holding the tree.
    #[arg(long, value_name = "NAME", default_value = "cinder-tree")]
    pub(crate) bucket: String,

    /// Where the Worker reads the tree: its static assets when the tree has
    /// at most 20,000 files and an R2 bucket otherwise (`auto`), or either.
    #[arg(long, value_enum, default_value = "auto")]
    pub(crate) storage: EdgeStorage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum EdgeStorage {
    Auto,
    R2,
    Assets,
}

#[derive(Debug, Args)]
pub(crate) struct NginxArgs {
    #[command(flatten)]
    pub(crate) host: HostArgs,

    /// Split background checks of throttled rules by their backgroundRate, at
    /// random per request as Balrog does, instead of always answering as if
    /// the dice lost. force=1 still always gets the main answer.
    #[arg(long)]
    pub(crate) split: bool,
}

#[derive(Debug, Args)]
pub(crate) struct HostArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// The published tree (the build's `--out`).
    #[arg(long, value_name = "DIR")]
    pub(crate) root: PathBuf,

    /// The address to listen on (`HOST:PORT`, or a port for every address).
    #[arg(long, value_name = "ADDR", default_value = "8080")]
    pub(crate) listen: String,

    /// Request URLs seen in the wild that the build was given with `--requests`.
    #[arg(long, value_name = "FILE")]
    pub(crate) requests: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PlainArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// Print a 404 page holding the empty update document instead (save it
    /// as `404.html` in the tree for GitHub Pages, Netlify or Cloudflare
    /// Pages): Firefox then reads a miss as "no update".
    #[arg(long)]
    pub(crate) not_found_page: bool,

    /// Request URLs seen in the wild that the build was given with `--requests`.
    #[arg(long, value_name = "FILE")]
    pub(crate) requests: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct PoliciesArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// Where the tree is served, e.g. `https://updates.example.org`.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: String,

    /// Which of the site's routes (by its position in `routes`, from 1); the
    /// first app-update route by default.
    #[arg(long, value_name = "N")]
    pub(crate) route: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// Where to publish the tree (default: the site's `output`, `public`).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,

    /// Request URLs seen in the wild (one per line): their values join the
    /// parameter space for this build.
    #[arg(long, value_name = "FILE")]
    pub(crate) requests: Vec<PathBuf>,

    /// Build even when `cinder check` reports errors; requests reaching them
    /// get the empty answer.
    #[arg(long)]
    pub(crate) allow_errors: bool,

    /// Plan every group again, rather than only those the change since the
    /// published build touches.
    #[arg(long)]
    pub(crate) full: bool,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,

    /// Do not flush what is written to the disk before publishing it (faster;
    /// a power loss may then publish a tree with empty files).
    #[arg(long)]
    pub(crate) no_fsync: bool,

    /// Flush each file and directory as it is written, rather than one
    /// `syncfs` of the whole file system before publishing (Linux; elsewhere
    /// each file is flushed anyway). Slower, but waits for no other
    /// program's writes to the same file system.
    #[arg(long, conflicts_with = "no_fsync")]
    pub(crate) fsync_each_file: bool,

    /// Refuse to write a tree of more files than this (a site from a pull
    /// request cannot raise it).
    #[arg(long, value_name = "N", default_value_t = crate::plan::HardLimits::FILES)]
    pub(crate) max_files: u64,

    /// Refuse to write a tree of more directories than this, counted as a
    /// server sees them (a site from a pull request cannot raise it).
    #[arg(long, value_name = "N", default_value_t = crate::plan::HardLimits::DIRECTORIES)]
    pub(crate) max_directories: u64,
}

#[derive(Debug, Args)]
pub(crate) struct SiteArg {
    /// The site's directory (the one holding cinder.yml).
    #[arg(long, value_name = "DIR", default_value = ".", env = "CINDER_SITE")]
    pub(crate) site: PathBuf,

    /// Evaluate the site as of this UTC time (`2026-12-24T08:00:00Z` or a
    /// date): scheduled changes due by then apply.
    #[arg(long, value_name = "TIME")]
    pub(crate) at: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// Treat warnings as errors.
    #[arg(long)]
    pub(crate) deny_warnings: bool,

    /// Show every diagnostic: by default the first 100 of each code are
    /// shown and the rest counted.
    #[arg(long)]
    pub(crate) all: bool,

    /// Fail when anything a release records in `expires` expires within
    /// this long of `--at` (`30d`, `12h`, `2w`).
    #[arg(long, value_name = "DURATION")]
    pub(crate) horizon: Option<String>,

    /// In the report of what each kind of web server serves of each route,
    /// list every request a plain host (no rewriting) answers differently.
    #[arg(long)]
    pub(crate) hosts: bool,
}

#[derive(Debug, Args)]
pub(crate) struct QueryArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// The User-Agent header to assume (Balrog reads `PPC` from it for Darwin builds).
    #[arg(long, value_name = "UA")]
    pub(crate) user_agent: Option<String>,

    /// Print one JSON object per request: url, status, body, rule, release
    /// (and the tree file holding the answer).
    #[arg(long)]
    pub(crate) jsonl: bool,

    /// Answer as Balrog would for exactly this URL, on Balrog's own routes,
    /// rather than what the site's tree serves (they differ for builds,
    /// channels and routes the site does not list).
    #[arg(long)]
    pub(crate) exact: bool,

    /// Read request URLs from FILE, one per line.
    #[arg(long = "urls", value_name = "FILE", conflicts_with = "urls")]
    pub(crate) urls_file: Option<PathBuf>,

    /// Request URLs (`/update/6/...` paths or full URLs).
    #[arg(value_name = "URL", required_unless_present = "urls_file")]
    pub(crate) urls: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct ExplainArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// The User-Agent header to assume.
    #[arg(long, value_name = "UA")]
    pub(crate) user_agent: Option<String>,

    /// The request URL (a `/update/6/...` path or a full URL).
    #[arg(value_name = "URL")]
    pub(crate) url: String,
}

#[derive(Debug, Args)]
pub(crate) struct NextChangeArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// How to print the report.
    #[arg(long, value_enum, default_value = "text")]
    pub(crate) format: DiffFormat,

    /// The site before: a directory, or a git revision (`main`, `HEAD~1`, a commit).
    #[arg(value_name = "BASE")]
    pub(crate) base: String,

    /// The site after (default: the site's working tree).
    #[arg(value_name = "HEAD")]
    pub(crate) head: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// Aligned columns for a terminal.
    Text,
    /// A comment for a pull request.
    Markdown,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ImportCommand {
    /// Import a Balrog export: rules.json, releases/*.json, config.json and the
    /// optional emergency_shutoffs.json, pinnable_releases.json, products.json.
    Balrog(ImportBalrogArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ImportBalrogArgs {
    /// The export's directory.
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,

    /// Where to write the site; it must not exist or be empty, unless --force.
    #[arg(long, value_name = "SITE")]
    pub(crate) out: PathBuf,

    /// Write into a SITE that is not empty: its cinder.yml, rules/, releases/
    /// and templates/ are replaced, anything else there (.git, ...) is kept.
    #[arg(long)]
    pub(crate) force: bool,

    /// Request URLs seen in the wild (one per line, e.g. from CDN logs): the
    /// site keeps them, and their values join its parameter space. A
    /// `urls.txt` in DIR is read too.
    #[arg(long, value_name = "FILE")]
    pub(crate) requests: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct SynthArgs {
    /// Size: 1.0 is Firefox-sized (over a million files), 0.01 builds in seconds.
    #[arg(long, default_value_t = 1.0)]
    pub(crate) scale: f64,

    /// Seed of the random hashes and sizes.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,

    /// Where to write the site (a new or empty directory).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Write the files a manifest lists, of the same sizes, with plain writes
    /// (naive tree, hard links, or the build's own layout).
    RawWrite(BenchRawWriteArgs),
    /// Plan a site (evaluate and render every response) with nothing written.
    Eval(BenchEvalArgs),
    /// Measure the index of a built tree's files that edge functions carry.
    EdgeIndex(BenchEdgeIndexArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BenchEdgeIndexArgs {
    /// A built tree's `cinder-manifest.tsv`.
    #[arg(long, value_name = "FILE")]
    pub(crate) manifest: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct BenchRawWriteArgs {
    /// A built tree's `cinder-manifest.tsv`.
    #[arg(long, value_name = "FILE")]
    pub(crate) manifest: PathBuf,

    /// Where to write (created).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,

    /// Write each distinct body once and hard-link the files to it, as the build does.
    #[arg(long, conflicts_with = "layout")]
    pub(crate) link: bool,

    /// Write exactly the layout a first build makes (blob store, shared
    /// subtrees, symlinks, hard links), with OUT as the published link
    /// (`.OUT.cinder` beside it must not exist). Flushes as the build does:
    /// one sync of the file system at the end.
    #[arg(long)]
    pub(crate) layout: bool,

    /// With --layout: flush nothing (as `build --no-fsync`).
    #[arg(long, requires = "layout")]
    pub(crate) no_fsync: bool,

    /// With --layout: flush each file and directory (as `build --fsync-each-file`).
    #[arg(long, requires = "layout", conflicts_with = "no_fsync")]
    pub(crate) fsync_each_file: bool,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct BenchEvalArgs {
    #[command(flatten)]
    pub(crate) site: SiteArg,

    /// Also write the manifest the build would publish to FILE (nothing
    /// else is written), and print its size and the size `cinder publish`
    /// stores it in.
    #[arg(long, value_name = "FILE")]
    pub(crate) manifest: Option<PathBuf>,

    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N")]
    pub(crate) jobs: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    /// The directory to create the site in (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub(crate) dir: PathBuf,

    /// Write into a directory that is not empty: its cinder.yml, rules/,
    /// releases/, templates/ and schemas/ are replaced, anything else there
    /// (.git, a .gitignore, ...) is kept.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Where to write the schema files (created if missing).
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub(crate) out: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManArgs {
    /// Write cinder.1 and one page per subcommand into DIR instead of
    /// printing cinder.1.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
