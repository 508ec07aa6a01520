/** The replica manager lives in `cluster/`; this path stays for the broker's older imports. */
export * from '../cluster/replica-manager.js';
