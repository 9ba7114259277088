//! Importers: other update servers' data turned into sites.

pub(crate) mod balrog;
