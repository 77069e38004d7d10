//! Policy evaluation for the runtime API: what a persona may do now. `decide` is the
//! rule itself, a pure function over a persona's effective policy, so it can be tested
//! exhaustively against a reference model and answered from memory on the hot path.

pub mod decide;
