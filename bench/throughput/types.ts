/** What one client run measured: records and payload bytes moved, and the seconds it took. */
export interface ClientRun {
  records: number;
  /** Record value bytes (records × size), not wire bytes. */
  bytes: number;
  seconds: number;
}
