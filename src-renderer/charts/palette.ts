// The series colours of every chart of the page: 20 colours that stay apart on the dark background
// (hue first, then light and dark variants), and one assignment per page, so an event, a phase or a
// side has the same colour in the timeline legend, the migration charts and the query chart.
// Hashing names into a palette gave two events of one legend the same colour; here a name gets the
// next colour not yet taken (the two side colours kept apart), and only past 18 names does one repeat.
// A chart's own series (a split query chart) take the palette in order: 20 before one repeats.

export const PALETTE: readonly string[] = [
  '#4e9be6', // blue: the source side
  '#f59a3c', // orange: the destination side
  '#3fbf6f', // green
  '#e8504f', // red
  '#b07ce8', // purple
  '#f2d43d', // yellow
  '#35c6d0', // cyan
  '#f06bbd', // magenta
  '#9a7b52', // brown
  '#a9a9a9', // grey
  '#9fd84a', // lime
  '#a8d8ff', // pale blue
  '#ffc7a0', // peach
  '#a3f0b5', // pale green
  '#ffa3a8', // pale red
  '#dcc4ff', // pale purple
  '#fff1a0', // pale yellow
  '#1f8a8a', // dark teal
  '#5c6bc0', // indigo
  '#6b8e23', // olive
];

/** The colours of the two sides everywhere (timeline lanes, per-side series). */
export const SIDE_COLOR: Readonly<Record<'src' | 'dst', string>> = { src: PALETTE[0]!, dst: PALETTE[1]! };

/** Slots the sides keep: no name is given them. */
const RESERVED = 2;

export interface ColorMap {
  /** The palette slot of `name`: the same for the map's life, distinct for the first 18 names and from the sides. */
  index(name: string): number;
  color(name: string): string;
  /** Names given slots so far, in order. */
  readonly size: number;
}

/** FNV-1a: where a name lands once all 20 slots are taken. */
function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createColorMap(): ColorMap {
  const slots = new Map<string, number>();
  const index = (name: string): number => {
    let s = slots.get(name);
    if (s === undefined) {
      const n = slots.size;
      // Never the sides' slots (a named series next to a side would share its colour); past the
      // 18 free slots, a name lands on one by hash.
      const free = PALETTE.length - RESERVED;
      s = RESERVED + (n < free ? n : hashName(name) % free);
      slots.set(name, s);
    }
    return s;
  };
  return {
    index,
    color: (name) => PALETTE[index(name)]!,
    get size() {
      return slots.size;
    },
  };
}

/** The page's one map: the timeline, the migration charts and the query chart share it. */
export const pageColors: ColorMap = createColorMap();
