#!/usr/bin/env node
// The only place that calls process.exit: the CLI returns an exit code.
import { main } from '../dist/src/cli/main.js';

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`routellm: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 70;
  },
);
