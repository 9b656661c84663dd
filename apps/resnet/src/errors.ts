/**
 * Bad input the user can fix (a value out of range, a missing file or folder, a flag that
 * needs another): thrown by the commands and the modules below them, and reported by the
 * command-line program like a bad flag — one line and the usage, exit code 2.
 */
export class UsageError extends Error {}
