export * from './common';
export * from './device';
export * from './operations';
