import { defineExample } from "../../../../runner/example-spec.ts";

export default defineExample({
  output: [
    "The heap: who refers to whom",
    "globals (root) → config (settings)",
    "globals (root) → cache (lookup)",
    "stack (root) → request (current)",
    "request → config (uses)",
    "cache → entry (head)",
    "entry → cache (owner)",
    "parent → child (child)",
    "child → parent (parent)",
    "parent is garbage, yet 1 reference points to it",
    "child is garbage, yet 1 reference points to it",
  ],
});
