#!/usr/bin/env node
// Installed entry of the `particle-rescue` command: the bundled CLI built by `npm run build`.
require('../dist/electron/cli/main.js');
