//! `cinder init DIR`: scaffold a small site that `cinder check` passes, with
//! comments saying what each part is for, and the JSON Schemas its files
//! point editors at.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cli::InitArgs;
use crate::cmd::{Context, Status};
use crate::error::Error;
use crate::schema::documents;
use crate::site_writer::write_site;

const CONFIG: &str = r#"# yaml-language-server: $schema=schemas/cinder.schema.json
#
# The site's settings. `cinder check` reads this directory; `cinder build`
# turns it into a tree of static answers in `public/`.

# Channels clients use, besides those the rules name exactly.
channels: [release, beta]

# Which hosts releases may send clients to, per product (Balrog's domain
# allowlist). A URL on any other host is left out of the answer.
allowlist:
  download.example.org: [MyBrowser]

# Emergency shutoffs stop every update of a product on a channel, e.g.
#   - {product: MyBrowser, channel: beta, comment: "bad build, see bug 1234"}
shutoffs: []

# Routes default to Firefox's `update/6/...` URL; list your own under
# `routes:` if your app asks a shorter one. Where to build (default `public`):
# output: public
"#;

const TEMPLATE: &str = r#"# yaml-language-server: $schema=../schemas/template.schema.json
#
# What every MyBrowser release shares. A release says `extends: mybrowser`
# and adds only what is its own: versions, buildIDs, patches and URLs.
product: MyBrowser
schema_version: 9
hashFunction: sha512
platforms:
  # The names download URLs use for each build target (`%OS_FTP%`,
  # `%OS_BOUNCER%`).
  WINNT_x86_64-msvc-x64: {OS_FTP: win64, OS_BOUNCER: win64}
  Linux_x86_64-gcc3: {OS_FTP: linux-x86_64, OS_BOUNCER: linux64}
updateLine:
  - for: {}
    fields:
      type: minor
      detailsURL: "https://www.example.org/%LOCALE%/releasenotes/"
"#;

const RELEASE_1_0: &str = r#"# yaml-language-server: $schema=../schemas/release.schema.json
#
# MyBrowser 1.0: the current release, with a complete update (MAR) per
# platform and locale. The file name is the release's name, which rules'
# `mapping` and other releases' partials refer to.
extends: mybrowser
appVersion: "1.0"
displayVersion: "1.0"
fileUrls:
  "*":
    completes: {"*": "https://download.example.org/1.0/%OS_FTP%/%LOCALE%/mybrowser-1.0.complete.mar"}
platforms:
  WINNT_x86_64-msvc-x64:
    buildID: "20260101000000"
    locales:
      en-US:
        completes:
          - {from: "*", filesize: 60000000, hashValue: 1f40fc92da241694750979ee6cf582f2d5d7d28e18335de05abc54d0560e0f5302860c652bf08d560252aa5e74210546f369fbbbce8c12cfc7957b2652fe9a75}
  Linux_x86_64-gcc3:
    buildID: "20260101000000"
    locales:
      en-US:
        completes:
          - {from: "*", filesize: 61000000, hashValue: 5267768822ee624d48fce15ec5ca79cbd602cb7f4c2157a516556991f22ef8c7b5ef7b18d1ff41c59370efb0858651d44a936c11b7b144c48fe04df3c6a3e8da}
"#;

const RELEASE_1_1: &str = r#"# yaml-language-server: $schema=../schemas/release.schema.json
#
# MyBrowser 1.1, on beta first: a complete update, and a partial (a smaller
# MAR) for clients on 1.0.
extends: mybrowser
appVersion: "1.1"
displayVersion: "1.1"
fileUrls:
  "*":
    completes: {"*": "https://download.example.org/1.1/%OS_FTP%/%LOCALE%/mybrowser-1.1.complete.mar"}
    partials: {MyBrowser-1.0: "https://download.example.org/1.1/%OS_FTP%/%LOCALE%/mybrowser-1.0-1.1.partial.mar"}
platforms:
  WINNT_x86_64-msvc-x64:
    buildID: "20260201000000"
    locales:
      en-US:
        completes:
          - {from: "*", filesize: 60500000, hashValue: acc28db2beb7b42baa1cb0243d401ccb4e3fce44d7b02879a52799aadff541522d8822598b2fa664f9d5156c00c924805d75c3868bd56c2acb81d37e98e35adc}
        partials:
          - {from: MyBrowser-1.0, filesize: 8000000, hashValue: 48fb10b15f3d44a09dc82d02b06581e0c0c69478c9fd2cf8f9093659019a1687baecdbb38c9e72b12169dc4148690f87467f9154f5931c5df665c6496cbfd5f5}
  Linux_x86_64-gcc3:
    buildID: "20260201000000"
    locales:
      en-US:
        completes:
          - {from: "*", filesize: 61500000, hashValue: 87c568e037a5fa50b1bc911e8ee19a77c4dd3c22bce9932f86fdd8a216afe1681c89737fada6859e91047eece711ec16da62d6ccb9fd0de2c51f132347350d8c}
        partials:
          - {from: MyBrowser-1.0, filesize: 8100000, hashValue: 711c22448e721e5491d8245b49425aa861f1fc4a15287f0735e203799b65cffec50b5abd0fddd91cd643aeb3b530d48f05e258e7e230a94ed5025c1387bb4e1b}
"#;

const RULES: &str = r"# yaml-language-server: $schema=../schemas/rules.schema.json
#
# For each request the matching rule with the highest priority wins; fields
# left out match everything. To ship 1.1 to everyone, point the release
# rule's `mapping` at MyBrowser-1.1.
- alias: release
  priority: 100
  product: MyBrowser
  channel: release
  mapping: MyBrowser-1.0

- alias: beta
  priority: 100
  product: MyBrowser
  channel: beta
  mapping: MyBrowser-1.1
";

const GITIGNORE: &str = "/public\n/.public.cinder\n";

/// The scaffold's files, by path in the site.
pub(crate) const FILES: &[(&str, &str)] = &[
    ("cinder.yml", CONFIG),
    ("templates/mybrowser.yml", TEMPLATE),
    ("releases/MyBrowser-1.0.yml", RELEASE_1_0),
    ("releases/MyBrowser-1.1.yml", RELEASE_1_1),
    ("rules/release.yml", RULES),
    (".gitignore", GITIGNORE),
];

pub(crate) fn run(_ctx: Context, args: &InitArgs) -> Result<Status, Error> {
    let dir = &args.dir;
    let mut files: Vec<(PathBuf, String)> = FILES
        .iter()
        // A `.gitignore` already there is the owner's.
        .filter(|(rel, _)| *rel != ".gitignore" || !dir.join(rel).exists())
        .map(|(rel, text)| (PathBuf::from(rel), (*text).to_owned()))
        .collect();
    for doc in documents() {
        let mut text = serde_json::to_string_pretty(&doc.schema)
            .map_err(|e| Error::Invalid(format!("cannot write a schema: {e}")))?;
        text.push('\n');
        files.push((Path::new("schemas").join(doc.file), text));
    }
    write_site(dir, &files, args.force)?;
    let _ = writeln!(
        std::io::stderr(),
        "created a site in `{}`; try `cinder check --site {0}`",
        dir.display()
    );
    Ok(Status::Success)
}
