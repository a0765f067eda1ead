;; sample: Memory bomb: grows linear memory by 1 MB at a time until the limit stops it
;; expect-outcome: memory_limit
;; expect-blocked: none
;; expect-verdict: allow
;; run-options: --memory 16
(module
  (memory (export "memory") 1)
  (func (export "_start")
    (loop $grow
      ;; 16 pages = 1 MB; memory.grow answers -1 only if the engine refuses
      (br_if $grow (i32.ne (memory.grow (i32.const 16)) (i32.const -1))))
    unreachable))
