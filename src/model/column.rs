//! The columns of Balrog's rules table, as rules files write them: each
//! named once, here, in the order cinder writes them (what the rule is,
//! what it matches, what it answers, notes). The loader reads these names,
//! `import balrog` writes them, the engine's fields (`engine::field`) are
//! the conditions among them, and the rules file's JSON Schema lists them.

/// A column of a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Column {
    RuleId,
    Alias,
    Priority,
    Product,
    Channel,
    Version,
    BuildTarget,
    BuildId,
    Locale,
    OsVersion,
    Memory,
    InstructionSet,
    Jaws,
    Mig64,
    Distribution,
    DistVersion,
    HeaderArchitecture,
    Mapping,
    FallbackMapping,
    BackgroundRate,
    UpdateType,
    Comment,
    DataVersion,
}

impl Column {
    /// Every column, in the order rules files are written.
    pub(crate) const ALL: [Column; 23] = [
        Column::RuleId,
        Column::Alias,
        Column::Priority,
        Column::Product,
        Column::Channel,
        Column::Version,
        Column::BuildTarget,
        Column::BuildId,
        Column::Locale,
        Column::OsVersion,
        Column::Memory,
        Column::InstructionSet,
        Column::Jaws,
        Column::Mig64,
        Column::Distribution,
        Column::DistVersion,
        Column::HeaderArchitecture,
        Column::Mapping,
        Column::FallbackMapping,
        Column::BackgroundRate,
        Column::UpdateType,
        Column::Comment,
        Column::DataVersion,
    ];

    /// Every column's name, in the order of [`Column::ALL`].
    pub(crate) const NAMES: [&'static str; 23] = {
        let mut names = [""; 23];
        let mut i = 0;
        while i < names.len() {
            names[i] = Column::ALL[i].name();
            i += 1;
        }
        names
    };

    /// The name in rules files, as in Balrog's rules table.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Column::RuleId => "rule_id",
            Column::Alias => "alias",
            Column::Priority => "priority",
            Column::Product => "product",
            Column::Channel => "channel",
            Column::Version => "version",
            Column::BuildTarget => "buildTarget",
            Column::BuildId => "buildID",
            Column::Locale => "locale",
            Column::OsVersion => "osVersion",
            Column::Memory => "memory",
            Column::InstructionSet => "instructionSet",
            Column::Jaws => "jaws",
            Column::Mig64 => "mig64",
            Column::Distribution => "distribution",
            Column::DistVersion => "distVersion",
            Column::HeaderArchitecture => "headerArchitecture",
            Column::Mapping => "mapping",
            Column::FallbackMapping => "fallbackMapping",
            Column::BackgroundRate => "backgroundRate",
            Column::UpdateType => "update_type",
            Column::Comment => "comment",
            Column::DataVersion => "data_version",
        }
    }

    /// Whether `import balrog` copies the column from Balrog's rules (the
    /// data version is Balrog's bookkeeping).
    pub(crate) fn imported(self) -> bool {
        self != Column::DataVersion
    }
}
