//! The Activity feed: what runtimes asked (decisions) and reported (events) in a space,
//! newest first, with every deny explained in words.

pub mod explain;
pub mod feed;

pub use feed::activity;
