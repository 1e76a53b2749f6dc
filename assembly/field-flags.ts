// Part of the CSV kernels (see csv.ts): a field's flags as the byte scanner writes them and the byte encoder reads
// them — the values of src/data/csv-bytes.ts's QUOTED and ESCAPED (the scanners' property tests compare the flags the
// two write). csv.ts does not re-export this file.

/** The field was in quotes. */
export const QUOTED: u8 = 1;
/** Its quoted content holds "" pairs, so its bytes are not its value. */
export const ESCAPED: u8 = 2;
