/**
 * The package's version, written into every exported model (producer_version). A constant
 * rather than a read of package.json, which a browser bundle does not have; version.test.ts
 * keeps the two equal.
 */
export const VERSION = '0.1.0';
