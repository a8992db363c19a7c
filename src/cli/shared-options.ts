import { Option } from 'commander';
import { DEFAULT_MODEL_PAIR } from '../core/index.js';
import { DEFAULT_WEAK_MODEL_WITH_PROVIDER } from '../upstream/providers.js';

/**
 * Options every routing command shares, declared once so help and parsing agree. `calls`: the
 * command sends requests to the models (serve, doctor, chat), so the help says what the default
 * weak model (a name no provider knows) needs there.
 */
export function modelPairOptions(options: { calls?: boolean } = {}): Option[] {
  const weakDefault = options.calls
    ? `default ${DEFAULT_MODEL_PAIR.weak}, which needs --base-url; else pass --weak-model ${DEFAULT_WEAK_MODEL_WITH_PROVIDER}`
    : `default ${DEFAULT_MODEL_PAIR.weak}`;
  return [
    new Option('--strong-model <model>', `model for prompts the router sends to the strong side (env ROUTELLM_STRONG_MODEL; default ${DEFAULT_MODEL_PAIR.strong})`),
    new Option('--weak-model <model>', `model for prompts the router sends to the weak side (env ROUTELLM_WEAK_MODEL; ${weakDefault})`),
    new Option('--config <file>', 'YAML config: router name -> options (RouteLLM config.example.yaml shape)'),
  ];
}

