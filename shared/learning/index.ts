export * from './types.ts';
export * from './bank.ts';
export * from './schema.ts';
export * from './checks.ts';
