//! `sandbench-wasm-worker`: the worker program of the `wasm` executor (see
//! `engine::exec::wasm::worker`). A program of its own so that `sandbench-worker`, started for
//! every JavaScript run, links no wasmtime and starts as fast as before.

fn main() {
    std::process::exit(sandbench::engine::exec::wasm::worker::worker_main(
        std::env::args().skip(1),
    ));
}
