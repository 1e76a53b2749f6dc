/** A mistake in how the CLI was called or in its input files: printed as one line, exit code 2, no stack. */
export { UsageError } from '../core/errors.js';
