import { defineExample } from "../../../../runner/example-spec.ts";

// The total depends on how the threads interleave on this machine; it can never be more than
// the expected count, and on a multi-core machine it is usually less.
export default defineExample({
  // Run ×N counts the totals the runs reached.
  outcome: /got (\d+)$/,
  check(lines) {
    const match = /^expected 4000000, got (\d+)$/.exec(lines.at(-1) ?? "");
    if (!match) return `the last line should report the count, got ${JSON.stringify(lines.at(-1))}`;
    const got = Number(match[1]);
    if (got < 1 || got > 4_000_000) return `impossible count ${got}`;
  },
});
