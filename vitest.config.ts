import { defineConfig } from 'vitest/config';

// Unit tests run in Node (worker_threads). Files under tests/unit/.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
  },
});
