// Two projects: fast unit specs next to the code, integration specs under test/ against the real stack.
const moduleNameMapper = {
  '^@app/(config|contracts|database|storage|inference|clustering|observability|messaging|testing)$':
    '<rootDir>/libs/$1/src',
};
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] };
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  transform,
};
module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
        '<rootDir>/test/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // onnxruntime-node returns typed arrays of Node's main realm; see the environment's comment.
      testEnvironment: '<rootDir>/test/support/shared-realm.environment.js',
    },
  ],
  // Jest 30 ignores testTimeout inside a project entry: integration specs start real services and models.
  testTimeout: 120000,
};
