import { show } from "interleave";

// A tiny heap: each object's fields and the objects they refer to.
const heap: Record<string, Record<string, string>> = {
  globals: { settings: "config", lookup: "cache" },
  stack: { current: "request" },
  request: { uses: "config" },
  config: {},
  cache: { head: "entry" },
  entry: { owner: "cache" }, // a cycle, but still reachable from globals
  parent: { child: "child" },
  child: { parent: "parent" }, // a cycle that nothing reaches any more
};
const roots = ["globals", "stack"];

show.graph(
  {
    nodes: Object.keys(heap).map((id) => ({ id, label: roots.includes(id) ? `${id} (root)` : id })),
    edges: Object.entries(heap).flatMap(([from, fields]) =>
      Object.entries(fields).map(([field, to]) => ({ from, to, label: field })),
    ),
  },
  { title: "The heap: who refers to whom" },
);

// Mark: everything reachable from a root is alive.
const alive = new Set<string>();
const todo = [...roots];
while (todo.length > 0) {
  const id = todo.pop()!;
  if (alive.has(id)) continue;
  alive.add(id);
  todo.push(...Object.values(heap[id]));
}

// Sweep: the rest is garbage, whatever its reference count says.
for (const id of Object.keys(heap)) {
  if (alive.has(id)) continue;
  const references = Object.values(heap).filter((fields) => Object.values(fields).includes(id)).length;
  console.log(`${id} is garbage, yet ${references} reference points to it`);
}
