import { Option } from 'commander';
import { DEFAULT_MODEL_PAIR } from '../core/index.js';
import { DEFAULT_WEAK_MODEL_WITH_PROVIDER } from '../upstream/providers.js';

/**
 * Options every routing command shares, declared once so help and parsing agree. `calls`: the
 * command sends requests to the models (serve, doctor, chat), so the help says what the default
 * weak model (a name no provider knows) needs there.
 */
export function modelPairOptions(options: { calls?: boolean } = {}): Option[] {
  // The flag to paste is in the epilogue (DEFAULT_WEAK_MODEL_HELP): the name is too long for the option column.
  const weakDefault = options.calls ? `default ${DEFAULT_MODEL_PAIR.weak}, which needs --base-url or a provider: see below` : `default ${DEFAULT_MODEL_PAIR.weak}`;
  return [
    new Option('--strong-model <model>', `model for prompts the router sends to the strong side (env ROUTELLM_STRONG_MODEL; default ${DEFAULT_MODEL_PAIR.strong})`),
    new Option('--weak-model <model>', `model for prompts the router sends to the weak side (env ROUTELLM_WEAK_MODEL; ${weakDefault})`),
    new Option('--config <file>', 'YAML config: router name -> options (RouteLLM config.example.yaml shape)'),
  ];
}

/** The help paragraph of a command that calls the models: what the default weak model needs there, as a flag to paste. */
export const DEFAULT_WEAK_MODEL_HELP =
  `The default weak model, ${DEFAULT_MODEL_PAIR.weak} (RouteLLM's), names no provider: without --base-url pass ` +
  `--weak-model ${DEFAULT_WEAK_MODEL_WITH_PROVIDER} (with TOGETHERAI_API_KEY set), or another <provider>/<model>.`;
