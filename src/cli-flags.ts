// The `serve` flags, built from the SETTINGS table so flag, env var and YAML key never disagree.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError, SETTINGS, resolveConfig, type Config, type Setting } from './config.js';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** Add every setting (or those `only` keeps) as a flag to a commander command. */
export function addServeOptions(cmd: Command, only: (s: Setting) => boolean = () => true): Command {
  cmd.option('--config <file>', 'YAML config file (env AMBIENT_CONFIG)');
  for (const s of SETTINGS.filter(only)) {
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
export function flagsFromOptions(cmd: Command): { flags: Record<string, unknown>; file: string | undefined } {
  const opts = cmd.opts<Record<string, unknown>>();
  const flags: Record<string, unknown> = {};
  for (const s of SETTINGS) {
    const attr = s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (cmd.getOptionValueSource(attr) !== 'cli') continue;
    flags[s.key] = opts[attr];
  }
  return { flags, file: typeof opts.config === 'string' ? opts.config : undefined };
}

/** Parse `serve` arguments (without the command name) and resolve the whole configuration. */
export function loadConfig(input: { argv?: string[]; env?: Record<string, string | undefined> } = {}): Config {
  const cmd = addServeOptions(new Command('serve'))
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
    .allowExcessArguments(false);
  try {
    cmd.parse(input.argv ?? [], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigError(`config: ${err.message.replace(/^error: /, '')}`);
    throw err;
  }
  const { flags, file } = flagsFromOptions(cmd);
  return resolveConfig({ flags, file, env: input.env ?? {} });
}
