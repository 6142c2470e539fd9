// Every table, for Drizzle's typed client. Each module owns its own schema.ts.
export * from '../auth/schema.js';
export * from '../audit/schema.js';
export * from '../../modules/regions/schema.js';
export * from '../settings/schema.js';
export * from '../../modules/housing/schema.js';
export * from '../../modules/people/schema.js';
export * from '../../modules/orgs/schema.js';
export * from '../../modules/party/schema.js';
export * from '../../modules/imports/schema.js';
export * from '../calendar/schema.js';
export * from '../../modules/tickets/schema.js';
export * from '../storage/schema.js';
export * from '../../modules/open311/schema.js';
export * from '../http/schema.js';
export * from '../../modules/webhooks/schema.js';
export * from '../../modules/hotline/schema.js';
