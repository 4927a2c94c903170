// SWC settings shared by the build (tools/build.mjs) and Jest (jest.config.js), so tests run the code as built.
// Path aliases come from tsconfig.base.json and are rewritten to relative paths at transform time.
const { resolve } = require('node:path');
const { paths } = require('../tsconfig.base.json').compilerOptions;

module.exports = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
    baseUrl: resolve(__dirname, '..'),
    paths,
  },
  module: { type: 'commonjs' },
  sourceMaps: true,
};
