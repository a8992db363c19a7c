import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EvalReport } from '../evaluate-routers.js';
import { writeFileAtomic } from '../../runtime/write-file-atomic.js';
import { plotSpec } from './plot-spec.js';

/**
 * Renders the report's plot with Vega-Lite -> Vega (SVG, headless, no browser) and the SVG
 * to PNG with resvg, and writes `<directory>/<benchmark>.svg` and `.png` atomically.
 * The libraries load here only, so no other command pays for them.
 */
export async function writePlot(report: EvalReport, directory: string): Promise<{ svg: string; png: string }> {
  const [vegaLite, vega, { Resvg }] = await Promise.all([import('vega-lite'), import('vega'), import('@resvg/resvg-js')]);
  const compiled = vegaLite.compile(plotSpec(report) as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
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
  await mkdir(directory, { recursive: true });
  const paths = { svg: join(directory, `${report.benchmark.name}.svg`), png: join(directory, `${report.benchmark.name}.png`) };
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, png);
  return paths;
}
