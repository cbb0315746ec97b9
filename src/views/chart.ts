import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export const chartWidth = 800;

/** Succeeded totals per day as a bar chart, drawn with vega-lite and rasterised by resvg: a PNG `chartWidth` pixels wide. */
export async function renderDailyTotalsChart(points: { day: string; total: number }[]): Promise<Buffer> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 720,
    height: 300,
    background: 'white',
    data: { values: points },
    mark: { type: 'bar', color: '#3b6ea8' },
    encoding: {
      x: { field: 'day', type: 'ordinal', title: null, axis: { labelAngle: -60 } },
      y: { field: 'total', type: 'quantitative', title: 'JPY', axis: { format: ',d' } },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return new Resvg(svg, {
    fitTo: { mode: 'width', value: chartWidth },
    font: { loadSystemFonts: true },
    background: 'white',
  })
    .render()
    .asPng();
}
