// The six article groups, in reading order. Each group lists its folder under src/content/docs.
const groups = [
  ['Concurrency & parallelism', 'concurrency'],
  ['Threads', 'threads'],
  ['Synchronization', 'synchronization'],
  ['Communication', 'communication'],
  ['Memory consistency', 'memory-consistency'],
  ['Memory & garbage collection', 'memory-gc'],
];

export const sidebar = groups.map(([label, directory]) => ({
  label,
  items: [{ autogenerate: { directory } }],
}));
