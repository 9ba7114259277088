//! The rule engine: Balrog's request handling and rule evaluation, pure.

pub(crate) mod evaluate;
pub(crate) mod matchers;
pub(crate) mod request;
pub(crate) mod serve;
pub(crate) mod version;

#[cfg(test)]
mod tests;
