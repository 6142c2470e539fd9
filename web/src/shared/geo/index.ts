export * from './levels';
export * from './coord';
export * from './api';
