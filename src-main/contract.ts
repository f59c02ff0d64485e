// The engine API: the only file the renderer may import (type-only). Every host (CLI, `qtw
// serve`, Electron) calls the one implementation in service/. Values that can exceed 2^53
// (nanosecond timestamps, u64 arguments) cross process boundaries as decimal strings.

export type SideName = 'src' | 'dst';

export interface TraceInfo {
  readonly traceId: number;
  readonly path: string;
  readonly member: string | null;
  readonly format: string;
  readonly prefixStyle: string | null;
  readonly side: SideName | null;
  readonly clock: string;
  readonly catalogueId: string;
  /** Records whose event the catalogue lacks or types differently (version skew). */
  readonly catalogueMisfits: number;
  readonly bytes: string;
  readonly sha256: string;
  readonly firstTsNs: string | null;
  readonly lastTsNs: string | null;
  readonly records: number;
  readonly events: number;
  readonly unparsed: number;
  readonly dropped: number;
  readonly error: string | null;
}

export interface OpenInputsOptions {
  /** Catalogue files or QEMU source trees; empty = installed QEMU's + the embedded default. */
  readonly catalogues?: readonly string[];
  readonly src?: readonly string[];
  readonly dst?: readonly string[];
}

export interface IngestProgressEvent {
  readonly path: string;
  readonly member: string | null;
  readonly bytesRead: number;
  readonly bytesTotal: number;
  readonly records: number;
  readonly recordsPerSec: number;
  readonly etaSec: number | null;
}

export interface IngestSummary {
  readonly traces: readonly TraceInfo[];
  readonly skipped: readonly { path: string; member: string | null; reason: string }[];
  readonly errors: readonly string[];
  readonly cancelled: boolean;
}

export interface QueryColumn {
  readonly name: string;
  readonly type: string;
}

/** A cell as it crosses a process boundary: 64-bit integers outside ±2^53 become strings. */
export type WireCell = null | boolean | number | string | WireCell[] | { [k: string]: WireCell };

export interface QueryResultInfo {
  readonly handle: number;
  readonly columns: readonly QueryColumn[];
  readonly rowCount: number;
  readonly elapsedMs: number;
}
