/** The files `eval` writes for a benchmark's plot, in its --output directory. */
export function plotFileNames(benchmark: string): { svg: string; png: string } {
  return { svg: `${benchmark}.svg`, png: `${benchmark}.png` };
}
