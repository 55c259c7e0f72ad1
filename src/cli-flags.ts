// The flags of `serve` (and of `agent`), built from a settings table so flag, env var and YAML key
// never disagree.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, SETTINGS, resolveConfig, type Config, type Setting } from './config.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Add every setting of a table (serve's by default) as a flag to a commander command. */
export function addServeOptions(cmd: Command, settings: readonly Setting[] = SETTINGS): Command {
  cmd.option('--config <file>', 'YAML config file (env AMBIENT_CONFIG)');
  for (const s of settings) {
    if (s.kind === 'boolean') {
      cmd.addOption(new Option(`--no-${s.flag}`, s.help));
    } else if (s.kind === 'list') {
      cmd.addOption(new Option(`--${s.flag} <${s.arg ?? 'value'}>`, `${s.help}; env ${s.env}`).argParser(collect));
    } else {
      cmd.addOption(new Option(`--${s.flag} <${s.arg ?? 'value'}>`, `${s.help}; env ${s.env}`));
    }
  }
  return cmd;
}

/** commander's camelCased option values -> setting keys (only what was given on the command line). */
export function flagsFromOptions(cmd: Command, settings: readonly Setting[] = SETTINGS): { flags: Record<string, unknown>; file: string | undefined } {
  const opts = cmd.opts<Record<string, unknown>>();
  const flags: Record<string, unknown> = {};
  for (const s of settings) {
    const attr = s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (cmd.getOptionValueSource(attr) !== 'cli') continue;
    flags[s.key] = opts[attr];
  }
  return { flags, file: typeof opts.config === 'string' ? opts.config : undefined };
}

/** Parse a command's arguments (without the command name) against its settings table. */
export function parseSettingArgs(name: string, settings: readonly Setting[], argv: readonly string[]): { flags: Record<string, unknown>; file: string | undefined } {
  const cmd = addServeOptions(new Command(name), settings)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  try {
    cmd.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigError(`config: ${err.message.replace(/^error: /, '')}`);
    throw err;
  }
  return flagsFromOptions(cmd, settings);
}

/** Parse `serve` arguments (without the command name) and resolve the whole configuration. */
export function loadConfig(input: { argv?: string[]; env?: Record<string, string | undefined> } = {}): Config {
  const { flags, file } = parseSettingArgs('serve', SETTINGS, input.argv ?? []);
  return resolveConfig({ flags, file, env: input.env ?? {} });
}
