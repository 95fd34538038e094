// Jest in ESM mode (NestJS 12 is ESM-only): run with NODE_OPTIONS=--experimental-vm-modules.
// SWC compiles TypeScript to ES modules with Nest's legacy decorators and emitted metadata.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // apps/peer is a workspace package with its own package.json; tests never import it by name.
  modulePathIgnorePatterns: ['<rootDir>/apps/peer/package.json', '<rootDir>/dist/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^#contracts$': '<rootDir>/libs/contracts/src/index.ts',
    // Sources import siblings as `./x.js` (NodeNext); the files on disk are `./x.ts`.
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: [
    '<rootDir>/apps/*/src/**/*.spec.ts',
    '<rootDir>/libs/*/src/**/*.spec.ts',
    '<rootDir>/test/**/*.spec.ts',
    '<rootDir>/bench/**/*.spec.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/apps/admin/', '<rootDir>/apps/peer-ui/'],
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  maxWorkers: 2,
  testTimeout: 60_000,
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
};
