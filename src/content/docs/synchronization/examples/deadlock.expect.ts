import { defineExample } from "../../../../runner/example-spec.ts";

export default defineExample({
  status: "deadlock",
  output: [],
});
