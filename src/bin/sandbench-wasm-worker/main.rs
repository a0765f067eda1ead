//! `sandbench-wasm-worker`: the worker program of sandbench's `wasm` executor. Not meant to be
//! run by hand: `sandbench run module.wasm` starts it.
//!
//! The engine side of the executor lives here, in this binary's own crate, and is the only
//! code that names wasmtime:
//!
//! - [`engine`]: one run in the calling process (compile, refuse foreign imports, instantiate
//!   under the limits, call the entry), reported as an `EvalResult`.
//! - [`wasi`]: WASI preview 1 (our own deny-by-default table).
//! - [`files`]: the read-only preopens of granted directories, every lookup and read a call
//!   to the parent's broker.
//! - [`worker`]: the program's side: lock down all but the seccomp filter, read the request,
//!   compile, install the filter, run, stream events.
//!
//! Why not in the library with the parent's side (`sandbench::engine::exec::wasm`): every
//! binary of the package links the library and what it uses, and wasmtime's `#[used]` runtime
//! entry points keep a part of it in any binary that links it, called or not. A dependency
//! only this crate names is linked only here, so `sandbench` and `sandbench-worker` (started
//! for every JavaScript run) carry no WebAssembly engine. `benches/wasm.rs` includes
//! `engine.rs`, `wasi.rs` and `files.rs` to measure the engine in process.

mod engine;
mod files;
mod wasi;
mod worker;

fn main() {
    std::process::exit(worker::worker_main(std::env::args().skip(1)));
}
