#!/usr/bin/env -S node --no-node-snapshot
import '../dist/cli/main.js';
