export * from './factories';
export * from './test-data-source';
export * from './test-database';
export * from './test-s3';
export * from './wait';
export * from './synthetic-faces';
export * from './clustering-metrics';
