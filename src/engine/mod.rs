//! The rule engine: Balrog's request handling and rule evaluation, pure.

pub(crate) mod error;
pub(crate) mod evaluate;
pub(crate) mod field;
pub(crate) mod matchers;
pub(crate) mod query;
pub(crate) mod shortlist;
pub(crate) mod should_serve;
pub(crate) mod trace;

#[cfg(test)]
mod tests;
