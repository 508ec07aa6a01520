import { AsyncLocalStorage } from 'node:async_hooks';
import type { HttpIdentity } from './identity.js';

/**
 * The identity of the admin HTTP request being served, for code far below the route (the REST
 * client picks the broker connection of this user) without threading it through every handler.
 */
export const requestIdentity = new AsyncLocalStorage<HttpIdentity>();
