import type { SampleOptions } from '../../server/options/sample-options.js';
import type { RequestLog } from '../../server/observe/request-log.js';
import { SampleFile } from '../../server/sample/sample-file.js';

/**
 * Opens `--sample-prompts`' file (an unwritable path is a UsageError: serve does not start); a
 * write that fails later is said once per run of failures. Serve's process opens it, or under
 * `--workers N` the primary, which alone writes it.
 */
export function openSampleFile(sampling: SampleOptions, log: RequestLog): Promise<SampleFile> {
  return SampleFile.open(sampling.path, {
    maxBytes: sampling.maxBytes,
    onWriteError: (error) =>
      log.logger.warn({ sample_prompts: sampling.path, err: error.message }, `prompt sampling: cannot write ${sampling.path} (${error.message}); sampled prompts are dropped and counted in routellm_prompt_samples_total until a write succeeds`),
  });
}
