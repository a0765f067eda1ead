;; sample: Filesystem escape: path_open of /etc/passwd with no directory granted
;; expect-outcome: ok
;; expect-blocked: filesystem
;; expect-console: path_open refused with errno 76
;; expect-verdict: review
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "/etc/passwd")
  (data (i32.const 128) "path_open refused with errno 76\n")
  (data (i32.const 192) "path_open opened the file!\n")
  ;; iovecs: at 0 the refusal line, at 8 the success line
  (data (i32.const 0) "\80\00\00\00\20\00\00\00\c0\00\00\00\1b\00\00\00")
  (func (export "_start")
    (local $errno i32)
    ;; dirfd 3 (the first preopen, if any), path "/etc/passwd", read rights
    (local.set $errno
      (call $path_open (i32.const 3) (i32.const 0) (i32.const 64) (i32.const 11)
        (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 32)))
    (if (i32.eq (local.get $errno) (i32.const 76))
      (then (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40))))
      (else (drop (call $fd_write (i32.const 1) (i32.const 8) (i32.const 1) (i32.const 40)))))))
