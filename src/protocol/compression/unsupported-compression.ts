import { SamsaError } from '../../util/errors.js';

/** A codec the client's protocol version cannot carry (zstd before Produce v7 / Fetch v10, KIP-110). */
export class UnsupportedCompressionTypeError extends SamsaError {
  constructor(message: string) {
    super('UNSUPPORTED_COMPRESSION_TYPE', message);
  }
}
