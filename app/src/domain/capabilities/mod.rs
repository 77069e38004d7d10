//! Capabilities enabled in a space: the seven built-in surfaces and registered external
//! systems, each with the actions it exposes. Disabling one ends its grants in the same
//! transaction.

pub mod builtins;
pub mod disable;
pub mod enable;
pub mod external;
pub mod read;

pub const SOURCE_BUILTIN: &str = "builtin";
pub const SOURCE_EXTERNAL: &str = "external";
