export * from './event-transport';
export * from './domain-event.publisher';
export * from './messaging.module';
export * from './service-app';
