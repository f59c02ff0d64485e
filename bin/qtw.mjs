#!/usr/bin/env node
// Runs the TypeScript CLI in this process through tsx's loader, so that a checkout needs no build
// step and signals (Ctrl+C, SIGTERM) reach the CLI itself rather than a wrapper.
import { register } from 'tsx/esm/api';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { main } = await import(pathToFileURL(path.join(root, 'src-main/hosts/cli/main.ts')).href);
process.exitCode = await main(process.argv.slice(2));
