import cliProgress from 'cli-progress';
import { describePeriod } from '../shared/sources/index.js';
import { describeFailure, itemBytes, type SyncEvent } from '../shared/sync/index.js';
import { formatBytes, plural } from './format.js';

/** Turns a sync's events into what a person watches: a bar on a terminal, log lines elsewhere. */
export interface SyncReporter {
  onEvent(event: SyncEvent): void;
  stop(): void;
}

export interface ReporterOptions {
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  /** `each`: a line per landed report (logs, cron); `summary`: only plans, retries and failures. */
  readonly detail: 'each' | 'summary';
}

export function createReporter(options: ReporterOptions): SyncReporter {
  return options.stream.isTTY ? new BarReporter(options.stream) : new LineReporter(options);
}

class LineReporter implements SyncReporter {
  constructor(private readonly options: ReporterOptions) {}

  onEvent(event: SyncEvent): void {
    const line = this.lineFor(event);
    if (line) this.options.stream.write(`${line}\n`);
  }

  stop(): void {}

  private lineFor(event: SyncEvent): string | undefined {
    switch (event.kind) {
      case 'planned': {
        const { dataset } = event;
        const rebuild = event.toRebuild > 0 ? `, ${plural(event.toRebuild, 'query copy', 'query copies')} to rebuild` : '';
        return (
          `${dataset.scope} ${dataset.name}/${dataset.cadence}: ${plural(event.toLand, dataset.source === 'dvp' ? 'export' : 'report')} to land ` +
          `(${formatBytes(event.toLandBytes)}), ${event.alreadyLanded} already landed${rebuild}`
        );
      }
      case 'landed': {
        if (this.options.detail !== 'each') return undefined;
        const { ref, manifest, uris, action } = event.landed;
        if (action === 'rebuilt') return `rebuilt the query copy of ${describePeriod(ref)} -> ${event.landed.queryUri}`;
        const bytes = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
        return `${action} ${describePeriod(ref)} (${formatBytes(bytes)}) -> ${uris.join(', ')}`;
      }
      case 'failed':
        return `failed ${describeFailure(event.failure)}`;
      case 'retry':
        return `retrying ${event.what} (attempt ${event.attempt + 1}): ${event.reason}`;
      case 'notice':
        return event.message;
      default:
        return undefined;
    }
  }
}

class BarReporter implements SyncReporter {
  private readonly bars: cliProgress.MultiBar;
  private readonly bar: cliProgress.SingleBar;
  private total = 0;
  private done = 0;
  private bytes = 0;
  private plannedBytes = 0;
  private failed = 0;

  constructor(stream: NodeJS.WritableStream) {
    this.bars = new cliProgress.MultiBar(
      {
        stream: stream as NodeJS.WriteStream,
        format: ' {bar} {value}/{total} landed | {landedBytes} of {plannedBytes} | {failed} failed',
        hideCursor: true,
        clearOnComplete: true,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.bars.create(0, 0, this.payload());
  }

  onEvent(event: SyncEvent): void {
    switch (event.kind) {
      case 'queued':
        this.total += 1;
        this.plannedBytes += itemBytes(event.item);
        this.bar.setTotal(this.total);
        break;
      case 'bytes':
        this.bytes += event.count;
        break;
      case 'landed':
        this.done += 1;
        break;
      case 'failed':
        if (event.failure.period) this.done += 1;
        this.failed += 1;
        this.bars.log(`failed ${describeFailure(event.failure)}\n`);
        break;
      case 'retry':
        this.bars.log(`retrying ${event.what} (attempt ${event.attempt + 1}): ${event.reason}\n`);
        break;
      case 'notice':
        this.bars.log(`${event.message}\n`);
        break;
      default:
        return;
    }
    this.bar.update(this.done, this.payload());
  }

  stop(): void {
    this.bar.update(this.done, this.payload());
    this.bars.stop();
  }

  private payload() {
    return { landedBytes: formatBytes(this.bytes), plannedBytes: formatBytes(this.plannedBytes), failed: this.failed };
  }
}
