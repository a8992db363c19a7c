#!/usr/bin/env node
// The only place that calls process.exit: the CLI returns an exit code.
import { main } from '../dist/src/cli/main.js';

// `routellm route ... | head` closes our stdout early: that is the reader's choice, not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`routellm: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 70;
  },
);
