// Every query reads only metrics that exist: the exporter's documented metrics, ztunnel/istiod/istio-cni
// metrics (test/fixtures/istio-metrics.md), the project's recording rules, or Prometheus' own ALERTS.
// That each parses as PromQL, promtool checks (test/tools/dashboards/promql.test.ts).
import { expect } from 'chai';
import { buildDashboards, metricNames, panelQueries, ranges, substitute, vectorSelectors } from '../../../dashboards/src/index.js';
import { definedIn, factsMetricNames, knownMetrics, tableMetricNames } from './support.js';

const queries = buildDashboards().flatMap((g) => panelQueries(g.dashboard));

describe('dashboards: PromQL', () => {
  it('has queries to check', () => {
    expect(queries.length).to.be.greaterThan(40);
  });

  it('every query has its Grafana variables substituted for checking', () => {
    for (const q of queries) expect(substitute(q.expr), `${q.dashboard} "${q.panelTitle}" ${q.refId}: unsubstituted variable`).to.not.match(/\$[A-Za-z_{]/);
  });

  it('every metric a query reads is documented, a listed Istio metric, a recording rule or Prometheus\' own', () => {
    const known = knownMetrics();
    const missing: string[] = [];
    for (const q of queries) {
      for (const name of metricNames(q.expr)) {
        if (!definedIn(name, known)) missing.push(`${q.dashboard} "${q.panelTitle}": ${name}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});

describe('dashboards: query scanner', () => {
  it('finds metric names, not functions, aggregations, label lists or strings', () => {
    const expr =
      'label_replace(sum by (url) (rate(istio_xds_message_total{pod=~"ztunnel-.*", node=~"$node"}[$__rate_interval])), "type", "$1", "url", ".*[.]([^.]+)")';
    expect(metricNames(expr)).to.deep.equal(['istio_xds_message_total']);
    expect(metricNames('-sum by (node) (rate(a_total[1m])) / on (node) group_left (pod) max without (x) (b) > bool 1e-06')).to.deep.equal(['a_total', 'b']);
    expect(metricNames('histogram_quantile(0.99, sum by (le, type) (rate(pilot_xds_push_time_bucket[5m])))')).to.deep.equal(['pilot_xds_push_time_bucket']);
    expect(metricNames('min(x{a="sum(y)"}) - time()')).to.deep.equal(['x']);
    expect(metricNames('issue:ambient_issue_affected:max{issue="cross_node_network"} or count(z == 0)')).to.deep.equal(['issue:ambient_issue_affected:max', 'z']);
  });

  it('reports each selector with its matchers and range', () => {
    expect(vectorSelectors('rate(a_total{x="}"}[$__rate_interval]) + b')).to.deep.equal([
      { name: 'a_total', matchers: 'x="}"', range: '$__rate_interval' },
      { name: 'b', matchers: '', range: undefined },
    ]);
    expect(ranges('rate(a[5m]) + max_over_time(b{c="[1m]"}[1h])')).to.deep.equal(['5m', '1h']);
  });

  it('substitutes Grafana variables in both spellings', () => {
    expect(substitute('rate(x{node=~"$node", c=~"${cluster}"}[$__rate_interval])')).to.equal('rate(x{node=~".*", c=~""}[1m])');
  });

  it('reads metric names from the first column of Markdown tables only', () => {
    const text = '| metric | labels |\n|---|---|\n| `ambient_a` | `node` |\n| `pilot_b`, `pilot_c` | x |\nprose `not_this`\n';
    expect([...tableMetricNames(text)]).to.deep.equal(['ambient_a', 'pilot_b', 'pilot_c']);
    expect([...factsMetricNames(`## 1. ztunnel\n| \`istio_x_total\` | c |\n## 2. other\n| \`workloads_key\` | k |\n`)]).to.deep.equal(['istio_x_total']);
  });
});
