import type { Environment } from '../shared/config.js';
import type { HttpDeps } from '../shared/http/http-client.js';

/** What the CLI is given by its caller: the process's environment and streams (tests pass their own). */
export interface CliIo {
  readonly env: Environment;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Replaces parts of the HTTP stack (tests: a fake sleep). */
  readonly http?: Partial<HttpDeps>;
  readonly now?: () => Date;
}
