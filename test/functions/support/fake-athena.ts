import {
  AthenaClient,
  BatchGetNamedQueryCommand,
  CreateNamedQueryCommand,
  InvalidRequestException,
  ListNamedQueriesCommand,
  type NamedQuery,
} from '@aws-sdk/client-athena';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';

export interface FakeWorkGroups {
  /** Every named query saved, by id, in the order saved. */
  readonly saved: Map<string, NamedQuery>;
  readonly mock: AwsClientStub<AthenaClient>;
  readonly client: AthenaClient;
  /** Names of the queries saved in a workgroup, in the order saved. */
  names(workGroup: string): string[];
  /** Saves a query as a person (or an earlier deployment) would have. */
  add(query: NamedQuery): string;
  /** The next call of `command` fails with `error` (throttled, denied), the ones after it are answered. */
  failNext(command: AthenaCommand, error: Error): void;
}

type AthenaCommand = typeof ListNamedQueriesCommand | typeof BatchGetNamedQueryCommand | typeof CreateNamedQueryCommand;

/**
 * Athena's named queries behind aws-sdk-client-mock, as Athena pages them:
 * ListNamedQueries answers ids a page at a time (`pageSize`, with a
 * NextToken), BatchGetNamedQuery takes at most 50 ids, and CreateNamedQuery
 * saves whatever it is given (Athena does not refuse a second query of one
 * name: avoiding that is the caller's job).
 */
export function fakeWorkGroups(pageSize = 50): FakeWorkGroups {
  const saved = new Map<string, NamedQuery>();
  const failures = new Map<AthenaCommand, Error[]>();
  const mock = mockClient(AthenaClient);
  const failure = (command: AthenaCommand) => {
    const error = failures.get(command)?.shift();
    if (error) throw error;
  };
  let nextId = 0;
  const add = (query: NamedQuery): string => {
    nextId += 1;
    const id = `nq-${String(nextId).padStart(4, '0')}`;
    saved.set(id, { ...query, NamedQueryId: id });
    return id;
  };
  mock.on(ListNamedQueriesCommand).callsFake(async (input: { WorkGroup?: string; NextToken?: string }) => {
    failure(ListNamedQueriesCommand);
    const ids = [...saved.values()].filter((query) => query.WorkGroup === (input.WorkGroup ?? 'primary')).map((query) => query.NamedQueryId!);
    const start = input.NextToken ? Number(input.NextToken) : 0;
    const page = ids.slice(start, start + pageSize);
    const next = start + page.length;
    return { NamedQueryIds: page, ...(next < ids.length ? { NextToken: String(next) } : {}) };
  });
  mock.on(BatchGetNamedQueryCommand).callsFake(async (input: { NamedQueryIds: string[] }) => {
    failure(BatchGetNamedQueryCommand);
    if (input.NamedQueryIds.length > 50) {
      throw new InvalidRequestException({ message: 'NamedQueryIds: at most 50 ids', $metadata: {} });
    }
    return { NamedQueries: input.NamedQueryIds.map((id) => saved.get(id)).filter((query) => query !== undefined), UnprocessedNamedQueryIds: [] };
  });
  mock.on(CreateNamedQueryCommand).callsFake(async (input: NamedQuery) => {
    failure(CreateNamedQueryCommand);
    return { NamedQueryId: add({ ...input }) };
  });
  return {
    saved,
    mock,
    client: new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    names: (workGroup) => [...saved.values()].filter((query) => query.WorkGroup === workGroup).map((query) => query.Name!),
    add,
    failNext: (command, error) => {
      failures.set(command, [...(failures.get(command) ?? []), error]);
    },
  };
}
