import { defineExample } from "../../../../runner/example-spec.ts";

export default defineExample({
  timeline: true,
  output: ["the lock was taken 10 times"],
});
