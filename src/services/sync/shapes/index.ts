import type { Page } from '../fetch-page.js';
import type { SyncSource } from '../source.js';
import { cursorPaged } from './cursor-paged.js';
import { offsetPaged } from './offset-paged.js';

/**
 * How a partner's answer becomes a page. The config names one (`shape:`); a partner with an answer of its own
 * is one more small module here, and one more line below.
 */
export interface PageShape {
  /** `body` is the parsed answer (an object); `cursor` is what the request was sent with. */
  readPage(body: Record<string, unknown>, source: SyncSource, cursor: string | undefined): Page;
}

export const pageShapes = { 'cursor-paged': cursorPaged, 'offset-paged': offsetPaged } satisfies Record<
  string,
  PageShape
>;
export type PageShapeName = keyof typeof pageShapes;
export const pageShapeNames = Object.keys(pageShapes) as [PageShapeName, ...PageShapeName[]];
