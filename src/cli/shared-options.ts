import { Option } from 'commander';
import { DEFAULT_MODEL_PAIR } from '../core/index.js';

/** Options every routing command shares, declared once so help and parsing agree. */
export function modelPairOptions(): Option[] {
  return [
    new Option('--strong-model <model>', `model for prompts the router sends to the strong side (env ROUTELLM_STRONG_MODEL; default ${DEFAULT_MODEL_PAIR.strong})`),
    new Option('--weak-model <model>', `model for prompts the router sends to the weak side (env ROUTELLM_WEAK_MODEL; default ${DEFAULT_MODEL_PAIR.weak})`),
    new Option('--config <file>', 'YAML config: router name -> options (RouteLLM config.example.yaml shape)'),
  ];
}

