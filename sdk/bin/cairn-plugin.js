#!/usr/bin/env -S node --no-node-snapshot
// The plugin author's command line: init, build, test, pack, keygen, login, publish.
import { cli } from '../dist/cli/main.js';

process.exitCode = await cli(process.argv.slice(2));
