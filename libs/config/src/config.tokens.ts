/** Injection token for the app's validated config object (each app provides its own shape). */
export const APP_CONFIG = Symbol('APP_CONFIG');
