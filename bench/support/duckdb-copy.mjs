// The manual way to a queryable file, as a data engineer would type it:
//   duckdb -c "COPY (FROM read_csv('report.csv')) TO 'report.parquet' (FORMAT parquet)"
// DuckDB's defaults throughout (every core, its default memory, type sniffing).
// The duckdb CLI is not on every machine; its engine is in node_modules.
import { DuckDBInstance } from '@duckdb/node-api';

const [input, output] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
const quote = (text) => `'${text.replace(/'/g, "''")}'`;
await connection.run(`COPY (FROM read_csv(${quote(input)})) TO ${quote(output)} (FORMAT parquet)`);
connection.closeSync();
instance.closeSync();
