// Why a scrape (or a node agent's summary) failed: a closed set, since each is a label value of
// ambient_exporter_scrape_errors_total and ambient_agent_local_scrape_errors_total.

/** sample_limit and label_limit: the body was valid but over a per-target limit (scrape/limits.ts). */
export type ScrapeErrorReason = 'timeout' | 'connect' | 'http_status' | 'parse' | 'too_large' | 'sample_limit' | 'label_limit';
export const SCRAPE_ERROR_REASONS: readonly ScrapeErrorReason[] = ['timeout', 'connect', 'http_status', 'parse', 'too_large', 'sample_limit', 'label_limit'];
