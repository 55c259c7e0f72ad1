// Where the runbooks are published (the repository's docs/runbooks). The rules' runbook_url defaults
// to it (scripts/rules/spec.ts), `diagnose` prints it, and the served runbooks link there for the
// documentation they do not serve themselves.
export const PUBLISHED_DOCS_URL = 'https://github.com/ambient-exporter/ambient-exporter/blob/main/docs';
export const PUBLISHED_RUNBOOKS_URL = `${PUBLISHED_DOCS_URL}/runbooks`;

/** The exporter's own path of an alert's runbook, relative to its root (status page links, /runbooks). */
export const runbookPath = (alert: string): string => `runbooks/${alert}`;
