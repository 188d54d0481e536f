/** Requests the simulator answered, by operation, and the report bytes its storage sent. */
export interface SimulatorStats {
  /** Hub token exchanges. */
  readonly token: number;
  /** List report types. */
  readonly types: number;
  /** List reports (each page counts). */
  readonly list: number;
  readonly schema: number;
  /** Download redirects asked for. */
  readonly download: number;
  /** Requests to the pre-signed storage. */
  readonly storage: number;
  /** Report bytes written by the storage, faults included. */
  readonly bytesServed: number;
  /** API calls the rate limit turned away with a 429 (faults not included). */
  readonly throttled: number;
  /** Sets every count back to zero. */
  reset(): void;
}

export type CountedOperation = 'token' | 'types' | 'list' | 'schema' | 'download' | 'storage';

/** Every request is counted, whatever its answer: a retried call shows as two. */
export class RequestStats implements SimulatorStats {
  token = 0;
  types = 0;
  list = 0;
  schema = 0;
  download = 0;
  storage = 0;
  bytesServed = 0;
  throttled = 0;

  count(operation: CountedOperation): void {
    this[operation] += 1;
  }

  reset(): void {
    this.token = 0;
    this.types = 0;
    this.list = 0;
    this.schema = 0;
    this.download = 0;
    this.storage = 0;
    this.bytesServed = 0;
    this.throttled = 0;
  }
}
