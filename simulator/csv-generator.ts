import { Readable } from 'node:stream';
import { csvRow } from './csv-row.js';
import { Prng, mixSeeds, seedOf } from './prng.js';
import type { ReportDefinition, SchemaField } from './report-definitions.js';
import { valueOfType } from './row-values.js';

/** Everything a report's bytes depend on, apart from its size. */
export interface ReportContent {
  readonly org: string;
  readonly type: string;
  readonly cadence: string;
  readonly date: string;
  /** The date's schema: the CSV's columns, in order. */
  readonly fields: readonly SchemaField[];
  readonly definition: ReportDefinition;
  /** The string column the last row is padded in. */
  readonly padColumn: string;
}

/**
 * A report's body for one target size: the header, `repeats` copies of the
 * row block, the first `partial` bytes of it (a row boundary), then a last
 * row padded so the total is exactly `size`. Known without generating the body.
 */
export interface ReportLayout {
  readonly size: number;
  readonly header: Buffer;
  readonly block: Buffer;
  readonly repeats: number;
  readonly partial: number;
  readonly lastRow: Buffer;
}

/**
 * Rows are generated until the block reaches this size, then repeated: a few
 * milliseconds of work per report however large, and big enough writes to
 * serve at loopback speed.
 */
export const BLOCK_TARGET_BYTES = 1024 * 1024;
/** Blocks kept between requests; beyond this the least recently used go. */
const BLOCK_CACHE_BYTES = 128 * 1024 * 1024;
const PAD_PATTERN = '+pad';

/**
 * The first rows of one report, generated on demand. Row `i` depends only on
 * the report and `i`, so the block of a small report is a prefix of the block
 * of a large one, and every process generates the same bytes.
 */
class RowBlock {
  bytes: Buffer = Buffer.alloc(0);
  readonly header: Buffer;
  /** Header and an unpadded last row: no report of this content is smaller. */
  readonly minimumSize: number;
  /** End offset of each row in `bytes`. */
  readonly ends: number[] = [];
  private readonly seed: number;
  private readonly columnSeeds: number[];
  private readonly ownTypes: Map<string, string>;

  constructor(private readonly content: ReportContent) {
    this.seed = seedOf(`${content.org}/${content.type}/${content.cadence}/${content.date}`);
    this.columnSeeds = content.fields.map((field) => seedOf(field.name));
    this.ownTypes = new Map(content.definition.fields.map((field) => [field.name, field.type]));
    this.header = Buffer.from(csvRow(content.fields.map((field) => field.name)));
    this.minimumSize = this.header.length + this.lastRow(0).length;
  }

  get complete(): boolean {
    return this.bytes.length >= BLOCK_TARGET_BYTES;
  }

  /** Generates rows until the block holds at least `bytes` bytes, or is complete. */
  extendTo(bytes: number): void {
    const goal = Math.min(bytes, BLOCK_TARGET_BYTES);
    if (this.bytes.length >= goal) return;
    const rows: string[] = [];
    let length = this.bytes.length;
    while (length < goal) {
      const index = this.ends.length;
      const row = csvRow(this.values(index, mixSeeds(this.seed, index)));
      rows.push(row);
      length += Buffer.byteLength(row);
      this.ends.push(length);
    }
    this.bytes = Buffer.concat([this.bytes, Buffer.from(rows.join(''))], length);
  }

  /** The longest run of whole rows from the start that fits in `limit` bytes. */
  prefixWithin(limit: number): number {
    let low = 0;
    let high = this.ends.length - 1;
    let best = 0;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const end = this.ends[mid]!;
      if (end <= limit) {
        best = end;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return best;
  }

  /** The closing row, with `padding` bytes appended to the pad column. */
  lastRow(padding: number): Buffer {
    const values = this.values(-1, mixSeeds(this.seed, 0xffffffff));
    const at = this.content.fields.findIndex((field) => field.name === this.content.padColumn);
    const fill = PAD_PATTERN.repeat(Math.ceil(padding / PAD_PATTERN.length)).slice(0, padding);
    values[at] = `${values[at]!}${fill}`;
    return Buffer.from(csvRow(values));
  }

  private values(index: number, seed: number): string[] {
    const { content } = this;
    const ctx = { rng: new Prng(seed), org: content.org, date: content.date, index };
    const own = content.definition.row(ctx);
    return content.fields.map((field, i) => {
      const value = own[field.name];
      if (value !== undefined && this.ownTypes.get(field.name) === field.type) return value;
      // Own generator per column: adding a column leaves the other columns' values as they were.
      return valueOfType(field.type, { ...ctx, rng: new Prng(mixSeeds(seed, this.columnSeeds[i]!)) });
    });
  }
}

/**
 * Lays out and streams report bodies of any size, from a few bytes to
 * hundreds of megabytes, in constant memory: sizes are computed, never
 * measured, and the body is the same block written again and again.
 */
export class CsvGenerator {
  private readonly blocks = new Map<string, RowBlock>();

  /**
   * The body of `content` at `targetBytes`. A target below the smallest
   * possible report (header and one row) gives that smallest report. Not
   * cached: a layout holds its block, and only the block cache may decide
   * how many blocks stay in memory.
   */
  layout(content: ReportContent, targetBytes: number): ReportLayout {
    const id = reportId(content);
    const block = this.block(id, content);
    const header = block.header;
    const available = targetBytes - block.minimumSize;
    let repeats = 0;
    let partial = 0;
    if (available > 0) {
      block.extendTo(available + 1);
      if (block.complete) {
        repeats = Math.floor(available / block.bytes.length);
        partial = block.prefixWithin(available - repeats * block.bytes.length);
      } else {
        partial = block.prefixWithin(available);
      }
    }
    const padding = Math.max(0, available - repeats * block.bytes.length - partial);
    const lastRow = block.lastRow(padding);
    const size = header.length + repeats * block.bytes.length + partial + lastRow.length;
    if (available >= 0 && size !== targetBytes) {
      throw new Error(`simulator: laid out ${id} at ${size} bytes instead of ${targetBytes}.`);
    }
    return { size, header, block: block.bytes, repeats, partial, lastRow };
  }

  /** The size {@link layout} gives, without generating any row but the last. */
  size(content: ReportContent, targetBytes: number): number {
    const id = reportId(content);
    let block = this.blocks.get(id);
    if (!block) {
      block = new RowBlock(content);
      this.blocks.set(id, block);
    }
    return Math.max(targetBytes, block.minimumSize);
  }

  /** The block of a report about to be served, kept as most recently used; old blocks go past the cache's budget. */
  private block(id: string, content: ReportContent): RowBlock {
    const block = this.blocks.get(id) ?? new RowBlock(content);
    // Re-inserted so the Map's order is least recently used first.
    this.blocks.delete(id);
    this.blocks.set(id, block);
    let total = 0;
    for (const held of this.blocks.values()) total += held.bytes.length;
    for (const [oldId, old] of this.blocks) {
      if (total <= BLOCK_CACHE_BYTES || old === block) break;
      total -= old.bytes.length;
      this.blocks.delete(oldId);
    }
    return block;
  }
}

/** The body's pieces in order; the block Buffer is yielded again and again, never copied. */
export function* layoutChunks(layout: ReportLayout): Generator<Buffer> {
  yield layout.header;
  for (let i = 0; i < layout.repeats; i += 1) yield layout.block;
  if (layout.partial > 0) yield layout.block.subarray(0, layout.partial);
  yield layout.lastRow;
}

/** The body as a stream, for tests and tools that compute the expected bytes or hash. */
export function layoutStream(layout: ReportLayout): Readable {
  return Readable.from(layoutChunks(layout), { objectMode: false });
}

function reportId(content: ReportContent): string {
  return `${content.org}/${content.type}/${content.cadence}/${content.date}`;
}
