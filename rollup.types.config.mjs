// The package's one .d.ts: the public API of src/index.ts, with the internal types it names inlined
// and everything else left out (npm run build; tsc writes the per-file declarations to dist/types first).
import { dts } from 'rollup-plugin-dts';

export default {
  input: 'dist/types/src/index.d.ts',
  output: { file: 'dist/index.d.ts', format: 'es' },
  external: [/^node:/, /^openai(\/|$)/],
  plugins: [dts()],
};
