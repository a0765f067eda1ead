//! The engine side of sandbench's `wasm` executor: wasmtime, linked into this program only.
//!
//! `sandbench` (the parent) reads and validates modules, starts `sandbench-wasm-worker`, hands
//! it the module and relays its events (`sandbench::engine::exec::wasm`). This crate is what
//! runs in the worker:
//!
//! - [`engine`]: one run in the calling process (compile, refuse foreign imports, instantiate
//!   under the limits, call the entry), reported as an `EvalResult`.
//! - [`wasi`]: WASI preview 1 with nothing granted (our own deny-by-default table).
//! - [`worker`]: the program's side: lock down all but the seccomp filter, read the request,
//!   compile, install the filter, run, stream events.
//!
//! A crate of its own (not a module of `sandbench`) so that `sandbench-worker`, started for
//! every JavaScript run, does not link wasmtime: a binary links every library its package
//! depends on, and wasmtime's `#[used]` runtime entry points keep a part of it in any binary
//! that links it, called or not.

pub mod engine;
pub mod wasi;
pub mod worker;
