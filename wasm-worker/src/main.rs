//! `sandbench-wasm-worker`: the worker program of sandbench's `wasm` executor (see
//! `worker`). Not meant to be run by hand: `sandbench run module.wasm` starts it.

fn main() {
    std::process::exit(sandbench_wasm_worker::worker::worker_main(
        std::env::args().skip(1),
    ));
}
