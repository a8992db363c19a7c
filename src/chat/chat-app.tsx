import { Box, Static, Text, useApp, useInput } from 'ink';
import { useEffect, useReducer, useRef } from 'react';
import { formatModelName, type ThresholdSpec } from '../core/index.js';
import type { PriceTable } from '../upstream/price-table.js';
import type { ChatBackend, ChatMessage } from './chat-backend.js';
import { describeAnswer } from './describe-answer.js';
import type { NoticeFeed } from './notice-feed.js';
import { chatKeys, describeThreshold, nextRouter, stepThreshold, toggleThresholdKind } from './threshold-dial.js';

/** What `routellm chat` starts with and answers through. */
export interface ChatAppProps {
  readonly backend: ChatBackend;
  /** Prices for the cost beside each answer. */
  readonly prices: PriceTable;
  /** What the cost says to do when a model has no price (where prices come from); default: --config's prices:. */
  readonly noPrice?: string;
  readonly router: string;
  readonly threshold: ThresholdSpec;
  /** ANSI colour on (decided by the caller from NO_COLOR/FORCE_COLOR and the terminal). */
  readonly colour: boolean;
  /** Warnings to show in the transcript while the chat runs (the Controller's: a fallback, routing degraded). */
  readonly notices?: NoticeFeed;
  /** The clock answers are timed with; default `performance.now`. */
  readonly now?: () => number;
}

interface Entry {
  readonly id: number;
  readonly kind: 'user' | 'answer' | 'error' | 'notice';
  readonly text: string;
  /** An answer's routing line. */
  readonly meta?: string;
}

/** SGR codes written by hand, not through ink's chalk, which decides from process.env rather than the command's own. */
const CYAN = ['\u001b[36m', '\u001b[39m'] as const;
const RED = ['\u001b[31m', '\u001b[39m'] as const;
const YELLOW = ['\u001b[33m', '\u001b[39m'] as const;
const BOLD = ['\u001b[1m', '\u001b[22m'] as const;
const DIM = ['\u001b[2m', '\u001b[22m'] as const;

/**
 * The interactive chat: a transcript (each answer under a line saying which model answered, the
 * strong win rate against the threshold, the router, latency and cost), a status line with the
 * router and threshold the next turn uses, and the input line. Tab / Shift-Tab change the router,
 * ↑ / ↓ send more or fewer calls strong, Ctrl-T switches between a share and a win-rate threshold,
 * Ctrl-C (or Ctrl-D on an empty line) quits, abandoning a call in flight.
 */
export function ChatApp(props: ChatAppProps) {
  const { backend, prices, noPrice, colour } = props;
  const now = props.now ?? (() => performance.now());
  const paint = (codes: readonly [string, string], text: string) => (colour && text !== '' ? `${codes[0]}${text}${codes[1]}` : text);
  const { exit } = useApp();
  // Keys arrive faster than React commits a render, and ink's input handler is the one of the last
  // commit: what a key reads and changes lives in a ref, and each change asks for a redraw.
  const state = useRef({
    entries: [] as Entry[],
    input: '',
    router: props.router,
    threshold: props.threshold,
    pending: undefined as string | undefined,
    /** The answer in flight so far, as it streams. */
    partial: '',
    history: [] as ChatMessage[],
    inFlight: undefined as AbortController | undefined,
    liveThreshold: undefined as number | undefined,
    nextId: 0,
  }).current;
  const [, redraw] = useReducer((count: number) => count + 1, 0);
  const change = (update: () => void) => {
    update();
    redraw();
  };
  const add = (entry: Omit<Entry, 'id'>) => change(() => (state.entries = [...state.entries, { ...entry, id: (state.nextId += 1) }]));

  // Unmounting (Ctrl-C, the process's SIGINT/SIGTERM) abandons the call in flight.
  useEffect(() => () => state.inFlight?.abort(), []);
  useEffect(() => props.notices?.listen((line) => add({ kind: 'notice', text: line })), [props.notices]);

  const submit = () => {
    const text = state.input.trim();
    if (text === '' || state.pending !== undefined) return;
    const model = formatModelName(state.router, state.threshold);
    const messages: ChatMessage[] = [...state.history, { role: 'user', content: text }];
    const call = new AbortController();
    add({ kind: 'user', text });
    change(() => {
      state.input = '';
      state.pending = model;
      state.partial = '';
      state.inFlight = call;
    });
    const started = now();
    let firstText: number | undefined;
    const onText = (soFar: string) => {
      if (call.signal.aborted) return;
      firstText ??= now();
      change(() => (state.partial = soFar));
    };
    const settle = (entry: Omit<Entry, 'id'>) => {
      state.pending = undefined;
      state.partial = '';
      state.inFlight = undefined;
      add(entry);
    };
    backend.send(messages, model, call.signal, onText).then(
      (answer) => {
        if (call.signal.aborted) return;
        state.history = [...messages, { role: 'assistant', content: answer.content }];
        state.liveThreshold = answer.threshold;
        const latency = { totalMs: now() - started, firstTextMs: firstText === undefined ? undefined : firstText - started };
        settle({ kind: 'answer', text: answer.content, meta: describeAnswer(answer, latency, prices, noPrice) });
      },
      // The turn is dropped from the conversation: the next one starts from the last answered.
      (error: unknown) => {
        if (!call.signal.aborted) settle({ kind: 'error', text: oneLine(error) });
      },
    );
  };

  useInput((typed, key) => {
    if (key.ctrl && (typed === 'c' || (typed === 'd' && state.input === ''))) {
      state.inFlight?.abort();
      exit();
    } else if (key.return) submit();
    else if (key.tab) change(() => (state.router = nextRouter(backend.routers, state.router, key.shift ? -1 : 1)));
    else if (key.upArrow) change(() => (state.threshold = stepThreshold(state.threshold, 1, backend.overList)));
    else if (key.downArrow) change(() => (state.threshold = stepThreshold(state.threshold, -1, backend.overList)));
    else if (key.ctrl && typed === 't') change(() => (state.threshold = toggleThresholdKind(state.threshold, state.liveThreshold)));
    else if (key.backspace || key.delete) change(() => (state.input = [...state.input].slice(0, -1).join('')));
    else if (key.escape) change(() => (state.input = ''));
    else if (!key.ctrl && !key.meta && typed !== '') {
      // Keys that come in one read ("hello" and Enter from a fast typist or a script) end with "\r": send them.
      const send = typed.endsWith('\r');
      change(() => (state.input += (send ? typed.slice(0, -1) : typed).replace(/[\u0000-\u001f\u007f]/g, ' ')));
      if (send) submit();
    }
  });

  const { entries, input, router, threshold, pending, partial } = state;
  const routerPosition = backend.routers.length > 1 ? ` (${backend.routers.indexOf(router) + 1}/${backend.routers.length})` : '';
  return (
    <>
      <Static items={entries}>
        {(entry) => (
          <Box key={entry.id} flexDirection="column" marginBottom={entry.kind === 'answer' || entry.kind === 'error' ? 1 : 0}>
            {entry.kind === 'user' ? <Text>{paint(BOLD, 'you › ')}{entry.text}</Text> : null}
            {entry.kind === 'answer' ? <Text>{paint(CYAN, entry.meta ?? '')}</Text> : null}
            {entry.kind === 'answer' ? <Text>{entry.text}</Text> : null}
            {entry.kind === 'error' ? <Text>{paint(RED, `error: ${entry.text}`)}</Text> : null}
            {entry.kind === 'notice' ? <Text>{paint(YELLOW, `warning: ${entry.text}`)}</Text> : null}
          </Box>
        )}
      </Static>
      <Box flexDirection="column">
        {pending !== undefined ? <Text>{paint(DIM, `… ${pending} is answering`)}</Text> : null}
        {pending !== undefined && partial !== '' ? <Text>{partial}</Text> : null}
        <Text>
          router {paint(BOLD, router)}
          {routerPosition} · {paint(BOLD, describeThreshold(threshold, backend.overList))} · {backend.where}
        </Text>
        <Text>
          {paint(BOLD, '› ')}
          {input}
          {paint(DIM, '█')}
        </Text>
        <Text>{paint(DIM, chatKeys(backend.overList))}</Text>
      </Box>
    </>
  );
}

/** An error as one line: the SDK's `APIError` message ("400 threshold ... "), or any other's. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
