;; sample: CPU exhaustion: an infinite loop, stopped by the CPU budget (epoch interruption)
;; expect-outcome: timeout
;; expect-blocked: none
;; expect-verdict: allow
;; run-options: --timeout 200
(module
  (func (export "_start")
    (loop $forever
      (br $forever))))
