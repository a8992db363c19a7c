/** One column of a table to fit to a width. */
export interface FitColumn {
  readonly head: string;
  readonly cells: readonly string[];
  /**
   * Which columns go first when wrapping is not enough: the lowest `keep` is dropped first;
   * undefined means never dropped (the router's name, its APGR).
   */
  readonly keep?: number;
}

/** A table laid out for a width: the columns kept, each one's width, and the heads of those dropped. */
export interface FittedTable {
  readonly columns: readonly FitColumn[];
  readonly widths: readonly number[];
  readonly dropped: readonly string[];
}

/** cli-table3's padding: one space each side of a cell. */
const PADDING = 2;

/**
 * Lays a table out for `width` columns of terminal: first as it is; then wrapping cells and heads
 * at spaces, the widest column first, down to its longest word; then dropping the columns with
 * the lowest `keep` until it fits (or only undroppable ones are left, laid out as narrow as they go).
 */
export function fitTable(columns: readonly FitColumn[], width: number): FittedTable {
  let kept = [...columns];
  const dropped: string[] = [];
  for (;;) {
    const widths = squeeze(kept, width);
    if (total(widths) <= width) return { columns: kept, widths, dropped };
    const droppable = kept.filter((column) => column.keep !== undefined);
    if (droppable.length === 0) return { columns: kept, widths, dropped };
    const victim = droppable.reduce((lowest, column) => ((column.keep as number) < (lowest.keep as number) ? column : lowest));
    dropped.push(victim.head);
    kept = kept.filter((column) => column !== victim);
  }
}

/** The width a table of these column widths takes, borders included. */
function total(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w, 0) + widths.length + 1;
}

/**
 * Column widths after wrapping, one character at a time from the widest column, until the table
 * fits: first heads only, down to each column's widest cell ("p vs random" over "0.01"), then
 * cells too, down to each column's longest word.
 */
function squeeze(columns: readonly FitColumn[], width: number): number[] {
  const longest = (cells: readonly string[]) => Math.max(0, ...cells.map((cell) => cell.length)) + PADDING;
  const longestWord = (cells: readonly string[]) => Math.max(0, ...cells.flatMap((cell) => cell.split(' ').map((word) => word.length))) + PADDING;
  const widths = columns.map((column) => longest([column.head, ...column.cells]));
  const headsWrapped = columns.map((column) => Math.max(longest(column.cells), longestWord([column.head])));
  const wordsWrapped = columns.map((column) => longestWord([column.head, ...column.cells]));
  for (const floors of [headsWrapped, wordsWrapped]) {
    while (total(widths) > width) {
      let widest = -1;
      widths.forEach((w, index) => {
        if (w > (floors[index] as number) && (widest < 0 || w > (widths[widest] as number))) widest = index;
      });
      if (widest < 0) break;
      widths[widest] = (widths[widest] as number) - 1;
    }
  }
  return widths;
}
