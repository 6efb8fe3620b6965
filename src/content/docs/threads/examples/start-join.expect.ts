import { defineExample } from "../../../../runner/example-spec.ts";

export default defineExample({
  output: [
    "hello from fast after 10 ms",
    "hello from slow after 200 ms",
    "both threads have finished",
  ],
});
