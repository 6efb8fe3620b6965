import { defineExample } from "../../../../runner/example-spec.ts";

export default defineExample({
  output: ["expected 400000, got 400000"],
});
