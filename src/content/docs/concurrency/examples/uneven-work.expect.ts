import { defineExample } from "../../../../runner/example-spec.ts";

// The counts are the same on every machine: the work is counted, not timed.
export default defineExample({
  output: [
    "Equal ranges…",
    "thread    numbers           primes  divisions",
    "────────  ────────────────  ──────  ─────────",
    "Thread-1  0 to 49999          5133    1055975",
    "Thread-2  50000 to 99999      4459    1689718",
    "Thread-3  100000 to 149999    4256    2063367",
    "Thread-4  150000 to 199999    4136    2358402",
    "…unequal work (trial divisions per thread)",
    "Thread-1  █████████████████▉ 1055975",
    "Thread-2  ████████████████████████████▋ 1689718",
    "Thread-3  ███████████████████████████████████ 2063367",
    "Thread-4  ████████████████████████████████████████ 2358402",
    "the busiest thread did 2.2× the work of the idlest",
  ],
});
