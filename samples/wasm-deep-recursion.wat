;; sample: Stack exhaustion: unbounded recursion, stopped by the wasm stack limit
;; expect-outcome: stack_overflow
;; expect-blocked: none
;; expect-verdict: allow
(module
  (func $down (param i64) (result i64)
    (i64.add (call $down (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
  (func (export "_start")
    (drop (call $down (i64.const 0)))))
