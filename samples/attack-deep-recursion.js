// sample: Attack: unbounded recursion
// run-options: --stack 256 --timeout 2000
// expect-outcome: stack_overflow
// expect-verdict: allow
//
function down(n) {
  return down(n + 1) + 1;
}
down(0);
