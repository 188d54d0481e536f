/** Requests the simulator answered, by operation, and the report bytes its storage sent. */
export interface SimulatorStats {
  /** Hub token exchanges (OATs and DVP users' PATs). */
  readonly token: number;
  /** List report types. */
  readonly types: number;
  /** List reports (each page counts). */
  readonly list: number;
  readonly schema: number;
  /** Download redirects asked for. */
  readonly download: number;
  /** Requests to the pre-signed storage, DVP files included. */
  readonly storage: number;
  /** Bytes written by the storage, faults and DVP files included. */
  readonly bytesServed: number;
  /** API calls the rate limit turned away with a 429 (faults not included); DVP calls too. */
  readonly throttled: number;
  /** `POST /v2/users/login` calls, retired or not. */
  readonly dvpLogin: number;
  /** DVP `/`, `/namespaces` and `/namespaces/{ns}` calls. */
  readonly dvpNamespace: number;
  /** DVP `.../exports/years` calls. */
  readonly dvpYears: number;
  /** DVP `.../years/{y}/{weeks|months}` and `.../{n}` calls. */
  readonly dvpTimespans: number;
  /** DVP `.../{n}/{view}` calls (each lists an export's file URLs). */
  readonly dvpFiles: number;
  /** Storage requests for DVP files (also counted in `storage`). */
  readonly dvpDownloads: number;
  /** Bytes of DVP files written by the storage (also counted in `bytesServed`). */
  readonly dvpBytesServed: number;
  /** Sets every count back to zero. */
  reset(): void;
}

export type CountedOperation =
  | 'token'
  | 'types'
  | 'list'
  | 'schema'
  | 'download'
  | 'storage'
  | 'dvp-login'
  | 'dvp-namespace'
  | 'dvp-years'
  | 'dvp-timespans'
  | 'dvp-files';

/** The stats field of each DVP operation: operations keep the API's dashes, fields are camelCase. */
const DVP_FIELDS = {
  'dvp-login': 'dvpLogin',
  'dvp-namespace': 'dvpNamespace',
  'dvp-years': 'dvpYears',
  'dvp-timespans': 'dvpTimespans',
  'dvp-files': 'dvpFiles',
} as const;

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
  dvpLogin = 0;
  dvpNamespace = 0;
  dvpYears = 0;
  dvpTimespans = 0;
  dvpFiles = 0;
  dvpDownloads = 0;
  dvpBytesServed = 0;

  count(operation: CountedOperation): void {
    const field = operation in DVP_FIELDS ? DVP_FIELDS[operation as keyof typeof DVP_FIELDS] : (operation as Exclude<CountedOperation, keyof typeof DVP_FIELDS>);
    this[field] += 1;
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
    this.dvpLogin = 0;
    this.dvpNamespace = 0;
    this.dvpYears = 0;
    this.dvpTimespans = 0;
    this.dvpFiles = 0;
    this.dvpDownloads = 0;
    this.dvpBytesServed = 0;
  }
}
