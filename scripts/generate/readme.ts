// The README's tables (known issues, settings, lab faults, alerts), rendered from the issue modules,
// the settings table, the lab's fault catalog and the alert groups, between marker comments; the
// prose around them is written by hand. docs/agent.md's settings table comes from the agent's table.
import { FAULT_CATALOG, FAULT_NAMES } from 'ambient-lab';
import { AGENT_SETTINGS } from '../../src/agent/config.js';
import { SETTINGS, type Setting } from '../../src/config.js';
import { MODULES } from '../../src/issues/registry.js';
import { allAlerts } from '../rules/render.js';

export const README_FILE = 'README.md';

const begin = (name: string): string => `<!-- BEGIN GENERATED ${name} (npm run generate) -->`;
const end = (name: string): string => `<!-- END GENERATED ${name} -->`;

function issuesTable(): string[] {
  return [
    '| known issue | what operators see | `issue` label |',
    '|---|---|---|',
    ...MODULES.map((m) => `| ${m.title} | ${m.symptom} | \`${m.issue}\` |`),
  ];
}

function settingsTable(settings: readonly Setting[] = SETTINGS): string[] {
  return [
    '| flag | env | YAML key | default |',
    '|---|---|---|---|',
    ...settings.map((s) => {
      const flag = s.kind === 'boolean' ? `--no-${s.flag}` : `--${s.flag} ${s.arg ?? 'VALUE'}`;
      const repeat = s.kind === 'list' ? ' (repeatable)' : '';
      return `| \`${flag}\`${repeat} | \`${s.env}\` | \`${s.key}\` | ${s.default} |`;
    }),
  ];
}

const FAULT_TARGET = { none: '', cluster: '', node: '`@NODE` (default: the node after istiod\'s)', namespace: '`@NAMESPACE`' } as const;

function faultsTable(): string[] {
  return [
    '| fault | target | what the lab does |',
    '|---|---|---|',
    ...FAULT_NAMES.map((name) => {
      const { scope, summary } = FAULT_CATALOG[name];
      return `| \`${name}\` | ${FAULT_TARGET[scope]} | ${summary} |`;
    }),
  ];
}

function alertsTable(): string[] {
  return ['| alert | severity | meaning |', '|---|---|---|', ...allAlerts().map((a) => `| \`${a.alert}\` | ${a.severity} | ${a.meaning} |`)];
}

export const README_SECTIONS: Record<string, () => string[]> = {
  issues: issuesTable,
  settings: () => settingsTable(),
  faults: faultsTable,
  alerts: alertsTable,
};

export const AGENT_DOC_FILE = 'docs/agent.md';
export const AGENT_DOC_SECTIONS: Record<string, () => string[]> = {
  'agent-settings': () => settingsTable(AGENT_SETTINGS),
};

/** `current` with every generated section replaced; throws when a section's markers are missing. */
export function renderSections(file: string, current: string, sections: Record<string, () => string[]>): string {
  let out = current;
  for (const [name, render] of Object.entries(sections)) {
    const from = out.indexOf(begin(name));
    const to = out.indexOf(end(name));
    if (from < 0 || to < from) throw new Error(`${file}: markers of the generated "${name}" section are missing`);
    out = `${out.slice(0, from)}${begin(name)}\n${render().join('\n')}\n${out.slice(to)}`;
  }
  return out;
}

/** The README with every generated section replaced. */
export function renderReadme(current: string): string {
  return renderSections(README_FILE, current, README_SECTIONS);
}
