import { join } from 'node:path';
import type { EvalReport } from '../evaluate-routers.js';
import { fsUsageError, isFsError } from '../../runtime/output-path.js';
import { writeFilesAtomic } from '../../runtime/write-file-atomic.js';
import { plotFileNames } from './plot-file-names.js';
import { plotSpec } from './plot-spec.js';

/** Writes the report's plot (see writeSpecPlot). */
export async function writePlot(report: EvalReport, directory: string): Promise<{ svg: string; png: string }> {
  return writeSpecPlot(plotSpec(report), report.benchmark.name, directory);
}

/**
 * Renders a Vega-Lite spec -> Vega (SVG, headless, no browser) and the SVG to PNG with resvg,
 * and writes `<directory>/<name>.svg` and `.png` atomically, as a pair. The libraries load here
 * only, so no other command pays for them.
 */
export async function writeSpecPlot(spec: Record<string, unknown>, name: string, directory: string): Promise<{ svg: string; png: string }> {
  const [vegaLite, vega, { Resvg }] = await Promise.all([import('vega-lite'), import('vega'), import('@resvg/resvg-js')]);
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const png = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  })
    .render()
    .asPng();
  const names = plotFileNames(name);
  // Both or neither: a new SVG beside an old PNG would show two different runs.
  try {
    await writeFilesAtomic(directory, [
      [names.svg, svg],
      [names.png, png],
    ]);
  } catch (error) {
    if (isFsError(error)) throw fsUsageError(error, 'write', `--output ${directory}`);
    throw error;
  }
  return { svg: join(directory, names.svg), png: join(directory, names.png) };
}
