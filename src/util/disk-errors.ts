/**
 * errno codes of a failed file-system call: the disk is full, read-only or failing, or the data
 * dir is not what it should be. Kafka turns every IOException of a log into KafkaStorageException.
 */
const DISK_ERROR_CODES = new Set([
  'ENOSPC',
  'EDQUOT',
  'EIO',
  'EROFS',
  'EFBIG',
  'EMFILE',
  'ENFILE',
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EACCES',
  'EPERM',
  'EBADF',
  'ESTALE',
]);

/** True for an error thrown by a node:fs call for one of the reasons above. */
export function isDiskError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException | null;
  return (
    e instanceof Error &&
    typeof e.code === 'string' &&
    typeof e.syscall === 'string' &&
    DISK_ERROR_CODES.has(e.code)
  );
}
