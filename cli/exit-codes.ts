import { ConfigError, isAuthError } from '../shared/errors.js';
import type { SyncSummary } from '../shared/sync/sync-events.js';

/** The CLI's exit codes: part of its contract, scripts rely on them. */
export const EXIT = {
  /** Everything listed is landed, now or before (also when there was nothing to land). */
  ok: 0,
  /** Some reports failed; every other report was landed. */
  someFailed: 1,
  /** Usage or configuration error, found before any request. */
  usage: 2,
  /** Docker rejected the credentials or the permission (401/403 after a fresh exchange). */
  auth: 3,
} as const;

export function exitCodeOfSummary(summary: SyncSummary): number {
  if (summary.failed.some((failure) => failure.auth)) return EXIT.auth;
  return summary.failed.length > 0 ? EXIT.someFailed : EXIT.ok;
}

export function exitCodeOfError(error: unknown): number {
  if (error instanceof ConfigError) return EXIT.usage;
  if (isAuthError(error)) return EXIT.auth;
  return EXIT.someFailed;
}
