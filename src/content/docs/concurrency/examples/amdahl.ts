import { show } from "interleave";

// Amdahl's law: if a fraction p of the work can run in parallel, n cores
// speed it up by 1 / ((1 - p) + p / n). The serial rest sets a ceiling.
const speedUp = (p: number, n: number) => 1 / (1 - p + p / n);
const cores = Array.from({ length: 32 }, (_, i) => i + 1);
const fractions = [0.5, 0.9, 0.99];

show.line(
  fractions.map((p) => ({
    name: `${p * 100}% parallel`,
    points: cores.map((n): [number, number] => [n, speedUp(p, n)]),
  })),
  { title: "Speed-up on n cores", x: "cores", y: "speed-up" },
);

for (const p of fractions) {
  const on32 = speedUp(p, 32).toFixed(1);
  console.log(`${p * 100}% parallel: ${on32}× on 32 cores, never more than ${Math.round(1 / (1 - p))}×`);
}
