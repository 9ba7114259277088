//! Why Balrog would not answer 200, raised while evaluating a query.

use std::fmt;

/// Why Balrog would not answer 200: bad client input (400) or data it cannot
/// handle (500).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum EngineError {
    BadRequest(String),
    Internal(String),
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::BadRequest(m) => write!(f, "Balrog answers 400: {m}"),
            EngineError::Internal(m) => write!(f, "Balrog answers 500: {m}"),
        }
    }
}
