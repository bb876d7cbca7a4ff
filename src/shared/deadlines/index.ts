export * from './civil-date';
export * from './calendar';
export * from './settings';
export * from './types';
export * from './compute';
export * from './due-in';
