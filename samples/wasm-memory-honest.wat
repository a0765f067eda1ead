;; sample: Memory within the limit (benign twin of the grower): grows to 8 MB and exits 0
;; expect-outcome: ok
;; expect-blocked: none
;; expect-verdict: allow
;; run-options: --memory 16
(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (memory.grow (i32.const 127)))
    (i32.store (i32.const 8388604) (i32.const 7))
    (call $exit (i32.const 0))))
