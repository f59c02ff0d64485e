// A rectangular cell selection (anchor + focus), as spreadsheets have. Pure.
export interface CellPos {
  readonly row: number;
  readonly col: number;
}

export interface CellRange {
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

export function rangeOf(anchor: CellPos, focus: CellPos): CellRange {
  return {
    r0: Math.min(anchor.row, focus.row),
    r1: Math.max(anchor.row, focus.row),
    c0: Math.min(anchor.col, focus.col),
    c1: Math.max(anchor.col, focus.col),
  };
}

export function inRange(r: CellRange | null, row: number, col: number): boolean {
  return r !== null && row >= r.r0 && row <= r.r1 && col >= r.c0 && col <= r.c1;
}

/** Move a position by (dr, dc), clamped to the grid. */
export function moved(p: CellPos, dr: number, dc: number, rows: number, cols: number): CellPos {
  return { row: Math.max(0, Math.min(rows - 1, p.row + dr)), col: Math.max(0, Math.min(cols - 1, p.col + dc)) };
}
