#!/usr/bin/env node
// The `faultline` command (see @faultline/cli).
await import('@faultline/cli/bin');
