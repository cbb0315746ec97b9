import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { Report, ReportAnswer } from '../services/reports/index.js';

export const chartWidth = 800;

/** A report's answer as the chart its definition names (report.chart); numbers are read from any driver's form. */
export async function renderReportChart(report: Report, answer: ReportAnswer): Promise<Buffer> {
  const chart = report.chart;
  if (!chart) throw new Error(`report ${report.name} has no chart`);
  const index = (column: string) => answer.columns.indexOf(column);
  const values = answer.rows.map((row) => ({
    x: String(row[index(chart.x)] ?? ''),
    y: Number(row[index(chart.y)] ?? 0),
    ...(chart.color && { color: String(row[index(chart.color)] ?? '') }),
  }));
  return renderPng({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 720,
    height: 300,
    background: 'white',
    title: report.description.slice(0, 80),
    data: { values },
    mark: { type: chart.mark, ...(chart.color ? {} : { color: '#3b6ea8' }) },
    encoding: {
      x: {
        field: 'x',
        type: chart.x_type,
        title: chart.x,
        ...(chart.x_type === 'ordinal' && { axis: { labelAngle: -60 } }),
      },
      y: { field: 'y', type: 'quantitative', title: chart.y, axis: { format: ',d' } },
      ...(chart.color && { color: { field: 'color', type: 'nominal', title: chart.color } }),
    },
  });
}

/** Succeeded totals per day as a bar chart, drawn with vega-lite and rasterised by resvg: a PNG `chartWidth` pixels wide. */
export async function renderDailyTotalsChart(points: { day: string; total: number }[]): Promise<Buffer> {
  return renderPng({
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
  });
}

/** A vega-lite spec drawn without a browser and rasterised by resvg: a PNG `chartWidth` pixels wide. */
async function renderPng(spec: TopLevelSpec): Promise<Buffer> {
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
