import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastText, startUpstreamServer, type RecordedRequest, type UpstreamReply, type UpstreamServer } from './upstream-server.js';

/** Three fake OpenAI-compatible upstreams on 127.0.0.1, one per role of `routellm label`, and a config that names them. */
export interface LabelUpstreams {
  readonly strong: UpstreamServer;
  readonly weak: UpstreamServer;
  readonly judge: UpstreamServer;
  /** The model names to pass: `s/strong-1`, `w/weak-1`, `j/judge-1` (providers s, w, j in the config). */
  readonly models: { readonly strong: string; readonly weak: string; readonly judge: string };
  /** A directory with `routellm.yaml` (providers and prices for the three). */
  readonly dir: string;
  readonly config: string;
  /** `--strong-model ... --weak-model ... --judge-model ... --config ...` */
  readonly flags: string[];
  close(): Promise<void>;
}

/** The question a judge request is about: the text between `[Question]` and `[Reference answer]`. */
export function judgedQuestion(request: RecordedRequest): string {
  const text = lastText(request.body);
  const match = /^\[Question\]\n([\s\S]*?)\n\n\[Reference answer\]\n/.exec(text);
  return match ? match[1]! : '';
}

/** A judge that answers `Reasoning... [[score]]` with `score(question)`. */
export function judgeReply(score: (question: string, request: RecordedRequest) => number | string): (request: RecordedRequest) => UpstreamReply {
  return (request) => {
    const value = score(judgedQuestion(request), request);
    return { kind: 'json', content: typeof value === 'number' ? `The answer covers the question. Rating: [[${value}]]` : value };
  };
}

/**
 * Starts the three upstreams. Answers default to `strong answer: <prompt>` / `weak answer: <prompt>`,
 * and the judge to a rating of 4 (the weak model wins). Prices are per million tokens.
 */
export async function startLabelUpstreams(
  options: {
    strong?: (request: RecordedRequest) => UpstreamReply;
    weak?: (request: RecordedRequest) => UpstreamReply;
    judge?: (request: RecordedRequest) => UpstreamReply;
    prices?: boolean;
  } = {},
): Promise<LabelUpstreams> {
  const strong = await startUpstreamServer({ reply: options.strong ?? ((r) => ({ kind: 'json', content: `strong answer: ${lastText(r.body)}` })) });
  const weak = await startUpstreamServer({ reply: options.weak ?? ((r) => ({ kind: 'json', content: `weak answer: ${lastText(r.body)}` })) });
  const judge = await startUpstreamServer({ reply: options.judge ?? judgeReply(() => 4) });
  const dir = await mkdtemp(join(tmpdir(), 'routellm-label-'));
  const config = join(dir, 'routellm.yaml');
  const prices =
    options.prices === false
      ? ''
      : `prices:\n  strong-1: { input: 10, output: 30 }\n  weak-1: { input: 0.5, output: 1 }\n  judge-1: { input: 5, output: 15 }\n`;
  await writeFile(
    config,
    `providers:\n  s: { base_url: "${strong.baseURL}" }\n  w: { base_url: "${weak.baseURL}" }\n  j: { base_url: "${judge.baseURL}" }\n${prices}`,
  );
  const models = { strong: 's/strong-1', weak: 'w/weak-1', judge: 'j/judge-1' };
  return {
    strong,
    weak,
    judge,
    models,
    dir,
    config,
    flags: ['--strong-model', models.strong, '--weak-model', models.weak, '--judge-model', models.judge, '--config', config],
    async close() {
      await Promise.all([strong.close(), weak.close(), judge.close()]);
    },
  };
}

/**
 * The records of a JSONL file label wrote (none when it does not exist), checking that it
 * ends in a newline: label only ever appends whole lines.
 */
export async function readJsonlRecords(path: string): Promise<any[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  if (text !== '' && !text.endsWith('\n')) throw new Error(`${path} ends in half a line`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
}
