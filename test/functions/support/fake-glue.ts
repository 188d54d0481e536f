import {
  AlreadyExistsException,
  ConcurrentModificationException,
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

export interface FakeCatalog {
  readonly tables: Map<string, Table>;
  readonly mock: AwsClientStub<GlueClient>;
  readonly client: GlueClient;
  /** Every TableInput written, in order, with the call that wrote it. */
  readonly writes: { call: 'create' | 'update'; input: TableInput; versionId?: string }[];
  table(name: string): Table;
  columnNames(name: string): string[];
  /**
   * Runs `write` once, just before the next CreateTable or UpdateTable is
   * applied: another writer (a second Lambda) changing the catalog between
   * this writer's GetTable and its write, which Glue then refuses.
   */
  beforeNext(call: 'create' | 'update', write: () => void): void;
}

/**
 * A Glue Data Catalog of one database behind aws-sdk-client-mock, with Glue's
 * rules that matter here: CreateTable of an existing table is
 * AlreadyExistsException, UpdateTable replaces the whole definition and fails
 * with ConcurrentModificationException when its VersionId is stale.
 */
export function fakeCatalog(databaseName = 'docker_reports'): FakeCatalog {
  const tables = new Map<string, Table>();
  const writes: FakeCatalog['writes'] = [];
  const pending: { create: (() => void)[]; update: (() => void)[] } = { create: [], update: [] };
  const mock = mockClient(GlueClient);
  const check = (database: string | undefined) => {
    if (database !== databaseName) throw new EntityNotFoundException({ message: `Database ${database} not found.`, $metadata: {} });
  };
  mock.on(GetTableCommand).callsFake(async (input: { DatabaseName: string; Name: string }) => {
    check(input.DatabaseName);
    const table = tables.get(input.Name);
    if (!table) throw new EntityNotFoundException({ message: `Table ${input.Name} not found.`, $metadata: {} });
    return { Table: structuredClone(table) };
  });
  mock.on(CreateTableCommand).callsFake(async (input: { DatabaseName: string; TableInput: TableInput }) => {
    check(input.DatabaseName);
    pending.create.shift()?.();
    const name = input.TableInput.Name!;
    if (tables.has(name)) throw new AlreadyExistsException({ message: `Table ${name} already exists.`, $metadata: {} });
    writes.push({ call: 'create', input: structuredClone(input.TableInput) });
    tables.set(name, { ...structuredClone(input.TableInput), Name: name, DatabaseName: input.DatabaseName, VersionId: '1' } as Table);
    return {};
  });
  mock.on(UpdateTableCommand).callsFake(async (input: { DatabaseName: string; TableInput: TableInput; VersionId?: string }) => {
    check(input.DatabaseName);
    pending.update.shift()?.();
    const name = input.TableInput.Name!;
    const current = tables.get(name);
    if (!current) throw new EntityNotFoundException({ message: `Table ${name} not found.`, $metadata: {} });
    if (input.VersionId !== undefined && input.VersionId !== current.VersionId) {
      throw new ConcurrentModificationException({ message: 'Update table failed due to concurrent modifications.', $metadata: {} });
    }
    writes.push({ call: 'update', input: structuredClone(input.TableInput), versionId: input.VersionId });
    const version = String(Number(current.VersionId) + 1);
    tables.set(name, { ...structuredClone(input.TableInput), Name: name, DatabaseName: input.DatabaseName, VersionId: version } as Table);
    return {};
  });
  return {
    tables,
    mock,
    writes,
    client: new GlueClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    table: (name) => {
      const table = tables.get(name);
      if (!table) throw new Error(`no table ${name}; tables: ${[...tables.keys()].join(', ')}`);
      return table;
    },
    columnNames: (name) => (tables.get(name)?.StorageDescriptor?.Columns ?? []).map((column) => column.Name!),
    beforeNext: (call, write) => {
      pending[call].push(write);
    },
  };
}
