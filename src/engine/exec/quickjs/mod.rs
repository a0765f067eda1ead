//! The in-process QuickJS executor (rquickjs): a fresh Runtime and Context per run on a
//! dedicated thread, supervised by the calling thread.
//!
//! [`Sandbox`] is the lower level: one fresh runtime + context with the host bridge, the
//! profile and `input` installed, evaluating code under the request's limits. It is `!Send`;
//! build it on the thread that uses it. [`QuickJsExecutor`] runs every request in a new
//! `Sandbox` on its own thread and watches it from the caller's thread (events, samples,
//! cancellation, the wall deadline).

mod compile;
mod executor;
mod sandbox;

pub use super::EvalResult;
pub(crate) use compile::read_bytecode;
pub use compile::{
    compile, compile_host_source, precompile, provide_setup_bytecode, run_bytecode, setup_bytecode,
    CompileLimits, Precompiled, COMPILER_STACK, COMPILE_CACHE_BYTES, COMPILE_CACHE_ENTRIES,
};
pub use executor::{QuickJsExecutor, MAX_LIVE_RUNAWAYS, STUCK_WAIT};
pub use sandbox::{Sandbox, SandboxError};

pub const NAME: &str = "quickjs";
