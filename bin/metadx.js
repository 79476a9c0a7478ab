#!/usr/bin/env node
// metadx command-line entry point. The sources are TypeScript; tsx compiles them on the fly
// (esbuild, cached), so a clone needs no build step beyond `npm install`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
