// The report as rendered: every value already text (and already redacted when asked), so the
// Markdown, HTML and text renderers show exactly the same numbers.
export interface DocTable {
  readonly columns: readonly { readonly name: string; readonly numeric: boolean }[];
  readonly rows: readonly (readonly string[])[];
  /** Rows in the whole result; rows.length of them are shown. */
  readonly totalRows: number;
  /** Said once above the table (how its times are shown, relative-times.ts). */
  readonly note?: string | null;
}

export interface DocChart {
  /** SVG markup without XML namespace URLs, ready to inline in HTML. */
  readonly svg: string;
  /** Relative file names under the report's folder. */
  readonly png: string;
  readonly svgFile: string;
  /**
   * The PNG as a data: URI, when the report is one Markdown file that must arrive whole (a
   * browser download cannot bring a charts folder along); null when the PNG is a file.
   */
  readonly pngInline: string | null;
  readonly sampled: boolean;
}

export type DocItem =
  | { readonly kind: 'note'; readonly index: number; readonly markdown: string }
  | {
      readonly kind: 'data';
      readonly index: number;
      readonly title: string;
      readonly sql: string;
      readonly table: DocTable | null;
      readonly chart: DocChart | null;
      /** Why the item has no table/chart (its SQL failed, the chart spec did not fit ...). */
      readonly error: string | null;
      /** Data files of the item (relative names), when written. */
      readonly dataFiles: readonly string[];
    };

export interface ProvenanceInput {
  readonly traceId: number;
  readonly path: string;
  readonly side: string | null;
  readonly format: string | null;
  readonly bytes: string;
  readonly sha256: string;
  readonly catalogueId: string | null;
  readonly clockOffsetNs: string | null;
}

export interface ProvenanceCatalogue {
  readonly id: string;
  readonly name: string;
  readonly source: string;
  readonly sha256: string;
  readonly qemuVersion: string | null;
}

export interface Provenance {
  readonly toolVersion: string;
  readonly inputs: readonly ProvenanceInput[];
  readonly catalogues: readonly ProvenanceCatalogue[];
  /** "trace N (side): offset ns (how)" lines from the clock alignment, when present. */
  readonly clockOffsets: readonly string[];
  readonly sql: readonly { readonly index: number; readonly title: string; readonly sql: string }[];
}

export interface ReportDoc {
  readonly title: string;
  readonly items: readonly DocItem[];
  readonly provenance: Provenance;
  readonly redacted: boolean;
}
