import { defineExample } from "../../../../runner/example-spec.ts";

export default defineExample({
  output: [
    "Speed-up on n cores",
    "50% parallel  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁  min 1, max 1.939, last 1.939",
    "90% parallel  ▁▁▁▂▂▂▂▂▂▂▂▂▂▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃▃  min 1, max 7.805, last 7.805",
    "99% parallel  ▁▁▂▂▂▂▃▃▃▃▄▄▄▄▅▅▅▅▆▆▆▆▆▇▇▇▇▇▇███  min 1, max 24.43, last 24.43",
    "x (cores): 1 to 32; y (speed-up): 1 to 24.43",
    "50% parallel: 1.9× on 32 cores, never more than 2×",
    "90% parallel: 7.8× on 32 cores, never more than 10×",
    "99% parallel: 24.4× on 32 cores, never more than 100×",
  ],
});
