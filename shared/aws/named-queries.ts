import { AthenaClient, BatchGetNamedQueryCommand, CreateNamedQueryCommand, paginateListNamedQueries } from '@aws-sdk/client-athena';
import { dayOneQueries } from '../lake/day-one-queries.js';
import { datasetOfTable, type TableDefinition } from '../lake/table-catalog.js';
import { specOf, tableName } from '../sources/index.js';

export interface NamedQueriesOptions {
  readonly workGroup: string;
  readonly databaseName: string;
  /** @default an AthenaClient for the function's region */
  readonly client?: AthenaClient;
}

/** BatchGetNamedQuery takes at most 50 ids. */
const BATCH = 50;

/**
 * The day-one queries of each table, saved in the Athena workgroup once the
 * table exists: formed from the columns it actually has (Docker has not
 * confirmed its column names), never saved twice under one name.
 */
export class NamedQueries {
  private readonly client: AthenaClient;
  private saved: Promise<Set<string>> | undefined;

  constructor(private readonly options: NamedQueriesOptions) {
    this.client = options.client ?? new AthenaClient({});
  }

  /** Saves the table's day-one queries the workgroup lacks; returns their names. */
  async ensure(table: TableDefinition): Promise<string[]> {
    const dataset = datasetOfTable(table);
    const spec = specOf(dataset.source);
    const queries = dayOneQueries({ name: tableName(dataset), columns: table.columns }, spec.periodColumn, spec.scopeKey);
    if (queries.length === 0) return [];
    // A failed listing (throttled, denied) is not kept: the next table asks Athena again.
    this.saved ??= this.savedNames().catch((error: unknown) => {
      this.saved = undefined;
      throw error;
    });
    const saved = await this.saved;
    const created: string[] = [];
    for (const query of queries.filter((candidate) => !saved.has(candidate.name))) {
      await this.client.send(
        new CreateNamedQueryCommand({
          Name: query.name,
          Description: query.description.slice(0, 1024),
          Database: this.options.databaseName,
          QueryString: query.sql,
          WorkGroup: this.options.workGroup,
        }),
      );
      saved.add(query.name);
      created.push(query.name);
    }
    return created;
  }

  private async savedNames(): Promise<Set<string>> {
    const ids: string[] = [];
    for await (const page of paginateListNamedQueries({ client: this.client }, { WorkGroup: this.options.workGroup })) {
      ids.push(...(page.NamedQueryIds ?? []));
    }
    const names = new Set<string>();
    for (let start = 0; start < ids.length; start += BATCH) {
      const answer = await this.client.send(new BatchGetNamedQueryCommand({ NamedQueryIds: ids.slice(start, start + BATCH) }));
      for (const query of answer.NamedQueries ?? []) if (query.Name) names.add(query.Name);
    }
    return names;
  }
}
