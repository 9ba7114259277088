//! The rule engine: Balrog's request handling and rule evaluation, pure.

pub(crate) mod error;
pub(crate) mod evaluate;
mod field;
pub(crate) mod matchers;
pub(crate) mod request;
pub(crate) mod serve;
pub(crate) mod shortlist;

#[cfg(test)]
mod tests;
