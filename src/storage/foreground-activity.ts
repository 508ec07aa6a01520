/**
 * Counts appends and reads served by the logs, so background work (the log cleaner) can tell a
 * busy broker from an idle one and give way to requests.
 */
export const foregroundActivity = { operations: 0 };
