export * from './comments';
export * from './follows';
export * from './posts';
export * from './sessions';
export * from './users';
export * from './upload-keys';
export * from './likes';
export * from './notifications';
