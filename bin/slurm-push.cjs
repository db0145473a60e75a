#!/usr/bin/env node
// Package bin: runs the prebuilt CLI bundle (npm run build creates dist/cli.cjs).
require('../dist/cli.cjs');
