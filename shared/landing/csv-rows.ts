const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * A streaming RFC 4180 reader: text goes in chunk by chunk (cut anywhere),
 * complete rows come out. Quoted fields may hold commas, doubled quotes and
 * line breaks; rows end with LF, CRLF or CR; empty lines are skipped. It is
 * lenient where a strict reader would throw (a stray quote is kept as text, an
 * unclosed quote runs to the end), since the audit copy keeps the exact bytes
 * anyway and one odd field must not keep a report out of the lake.
 *
 * It exists because the query copy parses every byte of every report: this
 * reader is several times faster than a general-purpose CSV library here, and
 * the tests hold it to csv-parse's results on random input.
 */
export class CsvRows {
  /** The start of an unfinished row, carried to the next chunk. */
  private carry = '';
  /** The last chunk ended on a CR: an LF opening the next one belongs to it. */
  private afterCr = false;
  private first = true;
  private readonly row: string[] = [];

  /**
   * Reads `text`, handing each complete row to `onRow`. The row array is
   * reused for the next row (no allocation per row): copy it to keep it.
   */
  push(text: string, onRow: (row: string[]) => void): void {
    let input = this.carry + text;
    if (this.first && input.length > 0) {
      this.first = false;
      if (input.charCodeAt(0) === 0xfeff) input = input.slice(1);
    }
    if (this.afterCr && input.charCodeAt(0) === LF) input = input.slice(1);
    this.afterCr = false;
    const consumed = this.rows(input, false, onRow);
    this.carry = input.slice(consumed);
  }

  /** Hands over the last row when the text did not end with a line break. */
  end(onRow: (row: string[]) => void): void {
    if (this.carry.length > 0) this.rows(this.carry, true, onRow);
    this.carry = '';
  }

  /** Reads complete rows from `input`; returns how many characters they took. */
  private rows(input: string, final: boolean, onRow: (row: string[]) => void): number {
    const length = input.length;
    let rowStart = 0;
    const row = this.row;
    row.length = 0;
    /** A line with nothing on it is skipped; `""` alone on a line is a row of one empty field. */
    let blank = true;
    let i = 0;
    while (i <= length) {
      // One field, starting at i.
      let value: string;
      if (i < length && input.charCodeAt(i) === QUOTE) {
        blank = false;
        let text = '';
        let from = i + 1;
        let j = from;
        for (;;) {
          j = input.indexOf('"', j);
          if (j === -1) {
            if (!final) return rowStart;
            text += input.slice(from);
            j = length;
            break;
          }
          if (j + 1 < length && input.charCodeAt(j + 1) === QUOTE) {
            text += input.slice(from, j + 1);
            j += 2;
            from = j;
            continue;
          }
          if (j + 1 >= length && !final) return rowStart;
          text += input.slice(from, j);
          j += 1;
          break;
        }
        // Anything between the closing quote and the separator is kept as text.
        let k = j;
        while (k < length) {
          const c = input.charCodeAt(k);
          if (c === COMMA || c === LF || c === CR) break;
          k += 1;
        }
        value = k > j ? text + input.slice(j, k) : text;
        i = k;
      } else {
        let k = i;
        while (k < length) {
          const c = input.charCodeAt(k);
          if (c === COMMA || c === LF || c === CR) break;
          k += 1;
        }
        value = input.slice(i, k);
        i = k;
      }
      row.push(value);
      if (i >= length) {
        if (!final) return rowStart;
        if (!(blank && row.length === 1 && value === '')) onRow(row);
        return length;
      }
      const c = input.charCodeAt(i);
      i += 1;
      if (c === COMMA) continue;
      // A row ends (LF, CR or CRLF).
      if (c === CR) {
        if (i < length) {
          if (input.charCodeAt(i) === LF) i += 1;
        } else {
          this.afterCr = true;
        }
      }
      if (!(blank && row.length === 1 && value === '')) onRow(row);
      row.length = 0;
      blank = true;
      rowStart = i;
      if (i === length) return length;
    }
    return rowStart;
  }
}
