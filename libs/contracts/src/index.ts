export * from './validation.js';
export * from './errors.js';
export * from './auth.js';
