// @ts-check
/**
 * Setup file of every package (`warehouseVitest`, apps/web): what one test file changes in the
 * worker process — environment variables and the working directory — is put back when the file
 * ends. The preset runs files without isolation (one worker process imports the modules once and
 * runs file after file, instead of a fresh process that imports everything again per file: ~2 s
 * of CPU per file), so without this a file that sets, say, MV_REFRESH_DEBOUNCE_MS at its top
 * level would change the files that run after it in the same worker.
 *
 * Vitest runs setup files before each test file, so `saved` is this file's starting state.
 */
import { afterAll } from 'vitest';

const saved = { env: { ...process.env }, cwd: process.cwd() };

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved.env)) delete process.env[key];
  for (const [key, value] of Object.entries(saved.env)) if (process.env[key] !== value) process.env[key] = value;
  if (process.cwd() !== saved.cwd) process.chdir(saved.cwd);
});
