import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests start their own real servers (Prosody) on
// 127.0.0.1, so files run one at a time: two Prosody instances would fight over CPU on CI's 2 cores.
export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'protocols/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'e2e/**'],
    environment: 'node',
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
