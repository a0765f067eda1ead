;; sample: WASI hello world (benign): prints two lines through fd_write and returns
;; expect-outcome: ok
;; expect-blocked: none
;; expect-console: hello from wasm
;; expect-verdict: allow
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; iovec at 0: {ptr=16, len=31}
  (data (i32.const 0) "\10\00\00\00\1f\00\00\00")
  (data (i32.const 16) "hello from wasm\nsecond line ok\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
