//! A rules file (`rules/*.yml`): a list of rules with Balrog's column names,
//! as `load/rules.rs` reads them.

use schemars::JsonSchema;

use super::common::{CommaList, NonEmpty, ScheduledDoc};

/// A rules file: a list of rules. For each request the matching rule with
/// the highest priority wins; fields left out match everything.
#[derive(JsonSchema)]
#[schemars(title = "cinder rules file")]
pub(crate) struct RulesFile(Vec<RuleDoc>);

// Its fields are the rule columns of `model::column`, in that order (a test
// holds them to it), then cinder's own `starts-at` and `scheduled`.
/// A rule: which requests it matches, and which release answers them.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
#[schemars(rename = "Rule")]
pub(crate) struct RuleDoc {
    /// Balrog's rule id; among rules of equal priority the lower id wins.
    rule_id: Option<i64>,
    /// A name for the rule, used in reports: letters, digits and `-`, starting with a letter.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9-]*$"))]
    alias: Option<String>,
    /// The matching rule with the highest priority answers the request.
    #[schemars(range(min = 0))]
    priority: i64,
    /// The product, matched exactly (e.g. `Firefox`).
    product: Option<NonEmpty>,
    /// The channel, exactly or as a glob ending in `*` (`release*`).
    channel: Option<NonEmpty>,
    /// The client's version: a version (`128.0`), an operator and a version
    /// (`<128.0`, `>=115.0`), a glob (`128.*`), or a list of them.
    version: Option<CommaList>,
    /// The build target, matched exactly (e.g. `WINNT_x86_64-msvc-x64`).
    #[schemars(rename = "buildTarget")]
    build_target: Option<NonEmpty>,
    /// The client's buildID, exactly or with an operator (`<20240101000000`).
    #[schemars(rename = "buildID")]
    build_id: Option<NonEmpty>,
    /// Locales, one string `de,fr` or a list `[de, fr]`.
    locale: Option<CommaList>,
    /// OS versions: alternatives, each a substring of the client's osVersion
    /// (`Windows_NT 6.1`) or substrings joined by `&&`; one string or a list.
    #[schemars(rename = "osVersion")]
    os_version: Option<CommaList>,
    /// Memory in MB, exactly or with an operator (`<2048`); quote it.
    memory: Option<NonEmpty>,
    /// The client's best instruction set (`SSE2`, `SSE4_2`, ...), one string or a list.
    #[schemars(rename = "instructionSet")]
    instruction_set: Option<CommaList>,
    /// Whether the client runs an incompatible JAWS screen reader.
    jaws: Option<bool>,
    /// Whether the client asked to migrate to 64-bit (`mig64=1`).
    mig64: Option<bool>,
    /// Distributions, one string or a list.
    distribution: Option<CommaList>,
    /// The distribution version, matched exactly.
    #[schemars(rename = "distVersion")]
    dist_version: Option<NonEmpty>,
    /// The architecture from the User-Agent: `Intel` or `PPC` (old Mac builds).
    #[schemars(rename = "headerArchitecture", extend("enum" = ["Intel", "PPC"]))]
    header_architecture: Option<String>,
    /// The release that answers matching requests (a release name); left out
    /// or empty, matching requests get no update.
    mapping: Option<String>,
    /// The release answering requests that lose the `backgroundRate` dice roll.
    #[schemars(rename = "fallbackMapping")]
    fallback_mapping: Option<String>,
    /// The percentage of background checks that get `mapping` (0 to 100,
    /// default 100); the others get `fallbackMapping`.
    #[schemars(rename = "backgroundRate", range(min = 0, max = 100))]
    background_rate: Option<i64>,
    /// The update's type, `minor` (default) or `major`.
    #[schemars(extend("enum" = ["minor", "major"]))]
    update_type: Option<String>,
    /// Notes for the people reading the file.
    comment: Option<String>,
    /// Balrog's data version, kept from an import; not used.
    data_version: Option<i64>,
    /// The rule exists only from this time on (a scheduled insert), in
    /// RFC 3339 UTC, e.g. `2026-12-24T00:00:00Z`.
    #[schemars(rename = "starts-at", extend("format" = "date-time"))]
    starts_at: Option<String>,
    /// Changes to this rule that take effect at a time.
    scheduled: Option<Vec<ScheduledDoc<RuleDoc>>>,
}
