// Per-target bounds on what a scrape keeps, as Prometheus's scrape_config `sample_limit`,
// `label_limit`, `label_name_length_limit` and `label_value_length_limit`: a target over one of
// them fails the scrape (reason sample_limit or label_limit) instead of growing the heap.
//
// The defaults leave wide room over what real components send in the families the exporter keeps
// (scrape/families.ts): a ztunnel keeps about 10 samples (istio_build, 4 termination reasons, 2 xDS
// type URLs, 2 workload gauges), istio-cni 3, istiod a few plus one pilot_xds per connected proxy
// version; their labels are a handful of short names with values like versions and type URLs. The
// worst a target can make one scrape hold is then about samples x labels x (name + value) characters:
// 200 x 16 x 384, a few MB, released when the scrape ends.
import type { SampleLimits } from './parser.js';

export const DEFAULT_SAMPLE_LIMITS: Readonly<SampleLimits> = {
  samples: 200,
  labels: 16,
  labelNameLength: 128,
  labelValueLength: 256,
};
